import { createInterface } from "node:readline";
import { humanSize } from "./human.js";

/** Asks `question` on stdout and reads one line of stdin: true when it is y or yes (any case). */
export async function confirm(question: string): Promise<boolean> {
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin });
  const answer = await new Promise<string>((resolve) => {
    rl.once("line", resolve);
    rl.once("close", () => resolve(""));
  });
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * Docker's prune confirmation: `WARNING! <what>` and `Are you sure you want to continue? [y/N]`;
 * true without asking when `force` (`-f`).
 */
export function confirmPrune(what: string, force: boolean | undefined): Promise<boolean> {
  if (force) return Promise.resolve(true);
  return confirm(`WARNING! ${what}\nAre you sure you want to continue? [y/N] `);
}

/** Docker's prune report: `Deleted <what>:` with one line each (when any), then the space freed. */
export function printPruned(sections: [string, string[]][], spaceReclaimed: number | undefined): void {
  for (const [what, lines] of sections)
    if (lines.length) process.stdout.write(`Deleted ${what}:\n${lines.join("\n")}\n\n`);
  if (spaceReclaimed !== undefined)
    process.stdout.write(`Total reclaimed space: ${humanSize(spaceReclaimed)}\n`);
}
