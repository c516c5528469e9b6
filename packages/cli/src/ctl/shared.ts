import { DaemonUnreachableError } from "@tsc/api";
import type { TscClient } from "@tsc/api";
import { isTscError } from "@tsc/core";
import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import { compileTemplate } from "../common/go-template.js";
import type { CtlContext } from "./context.js";

/** Collects a repeatable flag. */
export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** What every command gets: the context and a way to reach the daemon. */
export interface Ctl {
  ctx: CtlContext;
  client(): Promise<TscClient>;
}

/** A daemon-side failure as Docker words it. */
export function daemonError(e: unknown): string {
  if (e instanceof DaemonUnreachableError) return `tscctl: ${e.message}`;
  return isTscError(e)
    ? `Error response from daemon: ${e.message}`
    : `Error: ${(e as Error).message ?? String(e)}`;
}

/**
 * Runs `fn` for each ref like `docker stop a b c`: prints what `fn` returns (the ref by default)
 * for each success, an error line for each failure, and exits 1 if any failed.
 */
export async function forEachRef(refs: string[], fn: (ref: string) => Promise<string | void>): Promise<void> {
  let failed = false;
  for (const ref of refs) {
    try {
      const out = await fn(ref);
      if (out !== "") process.stdout.write(`${out ?? ref}\n`);
    } catch (e) {
      if (!isTscError(e)) throw e;
      failed = true;
      process.stderr.write(`${daemonError(e)}\n`);
    }
  }
  if (failed) throw new ExitError(1);
}

/** Prints documents as `inspect` does: a JSON array (4-space indent), or one template line per item. */
export function printDocuments(docs: unknown[], format: string | undefined): void {
  if (!format) {
    process.stdout.write(`${JSON.stringify(docs, null, 4)}\n`);
    return;
  }
  if (format === "json") {
    for (const d of docs) process.stdout.write(`${JSON.stringify(d)}\n`);
    return;
  }
  let render: (data: unknown) => string;
  try {
    render = compileTemplate(format.replace(/\\t/g, "\t").replace(/\\n/g, "\n"));
  } catch (e) {
    throw new ExitError(1, `${(e as Error).message}`);
  }
  for (const d of docs) process.stdout.write(`${render(d)}\n`);
}

/** Adds `-f/--format` as `inspect` commands take it. */
export function formatOption(cmd: Command): Command {
  return cmd.option("-f, --format <template>", "format the output using a Go template, or 'json'");
}
