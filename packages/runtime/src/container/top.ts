import { invalidArgument } from "@tsc/core";
import { run } from "../util/exec.js";

/** A process table: `ps`'s column titles and one row of columns per process. */
export interface ProcessTable {
  Titles: string[];
  Processes: string[][];
}

/** The `ps` options `top` uses when given none: Docker's (`UID PID PPID C STIME TTY TIME CMD`). */
const DEFAULT_PS_ARGS: readonly string[] = ["-ef"];

/**
 * Parses `ps` output and keeps the rows of `pids`, as Docker's `top` does: the header's words are
 * the titles, the `PID` column picks the rows, and a row with more words than titles keeps the
 * rest in its last column (a command line's spaces). Throws when the output has no `PID` column.
 */
export function parsePsOutput(output: string, pids: readonly number[]): ProcessTable {
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  const titles = (lines[0] ?? "").trim().split(/\s+/);
  const pidColumn = titles.indexOf("PID");
  if (pidColumn < 0)
    throw invalidArgument("couldn't find PID field in ps output", {
      hint: "give ps options that print the pid column, e.g. -o pid,comm",
    });
  const wanted = new Set(pids);
  const rows: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (!wanted.has(Number(fields[pidColumn]))) continue;
    rows.push(
      fields.length > titles.length
        ? [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(" ")]
        : fields,
    );
  }
  return { Titles: titles, Processes: rows };
}

/**
 * Runs the host's `ps` with `args` (default `-ef`) and keeps the rows of the container's `pids`. A
 * `ps` that refuses the options is an InvalidArgument error carrying the first line of its complaint.
 */
export async function processTable(
  pids: readonly number[],
  args: readonly string[] = DEFAULT_PS_ARGS,
): Promise<ProcessTable> {
  const r = await run("ps", args.length ? args : DEFAULT_PS_ARGS, {
    allowFailure: true,
    packageHint: "procps",
  });
  if (r.code !== 0) {
    // ps follows its complaint with its whole usage: the first line says what was wrong.
    const why = r.stderr
      .split("\n")
      .find((l) => l.trim() !== "")
      ?.trim();
    throw invalidArgument(`ps: ${why ?? `exit status ${r.code}`}`);
  }
  return parsePsOutput(r.stdout, pids);
}
