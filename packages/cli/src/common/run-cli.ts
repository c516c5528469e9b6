import { isTscError } from "@tsc/core";
import { CommanderError } from "commander";

/** Thrown by commands to end the process with an exit code after printing their own message. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = "",
  ) {
    super(message);
  }
}

/**
 * Runs a CLI's main function and turns every failure into a message on stderr and an exit code.
 * User mistakes (typed tsc errors, bad flags, and what `isUserError` accepts, e.g. compose errors) print one readable line, never a
 * stack trace; anything else is an internal error, with the stack only when TSC_DEBUG is set.
 * The process ends as soon as `main` settles: a command awaits all of its own work, and waiting for
 * the event loop to drain only waited for the gRPC channel's graceful close (~9 ms of every
 * command, measured on `tscctl ps`). What is still queued for stdout and stderr (a pipe whose
 * reader is slower than us) is flushed first.
 */
export async function runCli(
  prog: string,
  main: () => Promise<void>,
  isUserError: (e: unknown) => e is Error = (_e): _e is Error => false,
): Promise<void> {
  endQuietlyOnClosedOutput();
  try {
    await main();
  } catch (e) {
    process.exitCode = reportError(prog, e, isUserError);
  }
  // Output that a full pipe left queued goes out first: a write's callback runs once it, and all
  // written before it, is flushed.
  process.stdout.write("", () => process.stderr.write("", () => process.exit()));
}

/**
 * A reader that went away (`tscctl ps | head -1`, `logs -f | grep -m1 x`) ends the command quietly,
 * as it ends docker's: Node would otherwise die of an unhandled EPIPE with a stack trace.
 */
function endQuietlyOnClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
      process.exit(0);
    });
}

function reportError(prog: string, e: unknown, isUserError: (e: unknown) => e is Error): number {
  if (e instanceof CommanderError) return e.exitCode;
  if (e instanceof ExitError) {
    if (e.message) process.stderr.write(`${e.message}\n`);
    return e.exitCode;
  }
  if (isUserError(e) || isTscError(e)) {
    process.stderr.write(`${prog}: ${e.message}\n`);
    return 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`${prog}: internal error: ${err.message}\n`);
  if (process.env.TSC_DEBUG) process.stderr.write(`${err.stack ?? ""}\n`);
  else process.stderr.write(`(set TSC_DEBUG=1 for details, and please report it)\n`);
  return 2;
}
