import { TscError, unavailable } from "@tsc/core";
import type { ChildEnd } from "./spawn-server.js";
import { spawnServer } from "./spawn-server.js";

/** Options for `run`. */
export interface RunOptions {
  /** Data written to the child's stdin, then stdin is closed. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the child (SIGKILL) after this many milliseconds. */
  timeoutMs?: number;
  /** Resolve instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  /** The Debian package that provides the binary, named in the error when it is missing. */
  packageHint?: string;
}

/** What a finished child produced. */
export interface RunResult {
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `file args…` without a shell (through the spawn server) and collects its output. A missing binary becomes an
 * Unavailable error naming the package to install; a non-zero exit becomes an Internal error carrying
 * stderr (or is returned, with `allowFailure`).
 */
export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = spawnServer().spawn(file, args, { cwd: opts.cwd, env: opts.env, input: opts.input });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.onOutput = (stream, b) => (stream === "stdout" ? out : err).push(b);
  const timer =
    opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
  let end: ChildEnd;
  try {
    end = await child.closed;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      const hint = opts.packageHint ? `install it with: apt-get install ${opts.packageHint}` : undefined;
      throw unavailable(`${file} not found`, { hint, cause: e });
    }
    if (e instanceof TscError) throw e;
    throw new TscError("Internal", `cannot run ${file}: ${(e as Error).message}`, { cause: e });
  } finally {
    clearTimeout(timer);
  }
  const result = {
    code: end.code,
    signal: end.signal,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  };
  if (result.code !== 0 && !opts.allowFailure) {
    const why = result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`;
    throw new TscError("Internal", `${file} ${args.join(" ")}: ${why}`);
  }
  return result;
}
