import { spawn } from "node:child_process";
import { TscError, unavailable } from "@tsc/core";

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
 * Runs `file args…` without a shell and collects its output. A missing binary becomes an
 * Unavailable error naming the package to install; a non-zero exit becomes an Internal error carrying
 * stderr (or is returned, with `allowFailure`).
 */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs !== undefined) timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (e.code === "ENOENT") {
        const hint = opts.packageHint ? `install it with: apt-get install ${opts.packageHint}` : undefined;
        reject(unavailable(`${file} not found`, { hint, cause: e }));
      } else reject(new TscError("Internal", `cannot run ${file}: ${e.message}`, { cause: e }));
    });
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      const result = {
        code: code ?? -1,
        signal,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      if (result.code !== 0 && !opts.allowFailure) {
        const why = result.stderr.trim() || result.stdout.trim() || `exit code ${result.code}`;
        reject(new TscError("Internal", `${file} ${args.join(" ")}: ${why}`));
      } else resolve(result);
    });
    child.stdin.on("error", () => {
      /* the child may exit before reading its input */
    });
    child.stdin.end(opts.input ?? "");
  });
}
