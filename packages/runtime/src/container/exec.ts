import { execFile, spawn } from "node:child_process";
import type { ChildProcess, ChildProcessWithoutNullStreams } from "node:child_process";
import { readFile, readlink } from "node:fs/promises";
import { promisify } from "node:util";
import { RUNC } from "./runc.js";
import type { Runc } from "./runc.js";
import type { ExecResult } from "./runtime.js";
import { resolveUser } from "./users.js";

/** What to run in a container (`exec`'s flags). */
export interface ExecOptions {
  args: string[];
  env?: string[];
  cwd?: string;
  /** `name`, `uid`, `name:group` or `uid:gid`, resolved against the container's root filesystem. */
  user?: string;
  /** Run on a pseudo-terminal: output (stdout and stderr merged) comes on stdout, with CRLF line ends. */
  tty?: boolean;
  /** The terminal's initial size (with `tty`). */
  rows?: number;
  cols?: number;
}

/**
 * Spawns `runc exec` of a command in running container `id` (root filesystem `rootfs`) with piped
 * stdio, for the caller to stream. With a TTY, runc has to run in the foreground with a terminal of
 * its own: runc 1.1 refuses `exec --tty` when none of its stdio is a terminal ("open /dev/tty: no
 * such device or address"), and a detached runc would need a console socket passing file
 * descriptors, which Node cannot receive. So util-linux `script` runs it on a pty; runc sets that
 * pty raw and relays it to the container's new pty (copying its size, which `stty` sets first), so
 * the pipes carry the terminal's bytes unchanged, and `script -e` returns the command's exit code.
 */
export async function spawnExec(
  runc: Runc,
  id: string,
  rootfs: string,
  opts: ExecOptions,
): Promise<ChildProcessWithoutNullStreams> {
  let user: string | undefined;
  if (opts.user) {
    const u = await resolveUser(rootfs, opts.user);
    user = `${u.uid}:${u.gid}`;
  }
  const args = runc.execArgs(id, { args: opts.args, env: opts.env, cwd: opts.cwd, user, tty: opts.tty });
  if (!opts.tty) return spawn(RUNC, args, { stdio: ["pipe", "pipe", "pipe"] });
  const size =
    opts.rows && opts.cols
      ? `stty rows ${Math.floor(opts.rows)} cols ${Math.floor(opts.cols)} 2>/dev/null; `
      : "";
  const command = `${size}exec ${[RUNC, ...args].map(shellQuote).join(" ")}`;
  return spawn("script", ["-qefc", command, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, SHELL: "/bin/sh" },
  });
}

/**
 * Resizes the terminal of a TTY exec that spawnExec started, after it started: sets the size of the
 * pty `script` gave runc (found as runc's stdin), which sends runc SIGWINCH, and runc copies the new
 * size to the container's terminal. A no-op once the command has ended.
 */
export async function resizeExecTerminal(child: ChildProcess, rows: number, cols: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || !(rows > 0 && cols > 0)) return;
  try {
    const [runcPid] = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim().split(/\s+/);
    const tty = await readlink(`/proc/${runcPid}/fd/0`);
    if (!tty.startsWith("/dev/pts/")) return;
    await promisify(execFile)("stty", [
      "-F",
      tty,
      "rows",
      String(Math.floor(rows)),
      "cols",
      String(Math.floor(cols)),
    ]);
  } catch {
    // the command ended meanwhile
  }
}

/**
 * Feeds `stdin` (if any) to a spawned exec and collects its output and exit code. A terminal
 * echoes what it is sent (an immediate EOF shows up as ^@), so with a TTY and no input the stdin
 * pipe stays open until the command ends.
 */
export function collectExec(
  child: ChildProcessWithoutNullStreams,
  opts: { stdin?: string | Buffer; tty?: boolean },
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        exitCode: code ?? 255,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.on("error", () => undefined);
    if (opts.tty && opts.stdin === undefined) child.on("close", () => child.stdin.destroy());
    else child.stdin.end(opts.stdin ?? "");
  });
}

/** Quotes a word for `sh -c`. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
