import { execFile, spawn } from "node:child_process";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { readFile, readlink, rm } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
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
 * runc's failure to start an exec'd command (its error message, e.g. `exec failed: unable to start
 * container process: exec: "nosuch": executable file not found in $PATH`) as Docker reports it:
 * `OCI runtime exec failed: … : unknown`, with 127 when the command is not found and 126 when it
 * cannot be run (not executable, permission denied, a missing working directory), by dockerd's rules.
 */
export function execFailure(runcMessage: string, command: string): { message: string; exitCode: number } {
  const msg = runcMessage.toLowerCase();
  const notFound =
    msg.includes(command.toLowerCase()) &&
    (msg.includes("executable file not found") || msg.includes("no such file or directory"));
  return { message: `OCI runtime exec failed: ${runcMessage}: unknown`, exitCode: notFound ? 127 : 126 };
}

/** The last error runc logged (JSON lines, see Runc.execArgs' logFile), if any. */
async function runcLoggedError(logFile: string): Promise<string | undefined> {
  const text = await readFile(logFile, "utf8").catch(() => "");
  let found: string | undefined;
  for (const line of text.split("\n")) {
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === "error" || entry.level === "fatal") && entry.msg) found = entry.msg;
    } catch {
      // not a JSON line
    }
  }
  return found;
}

/**
 * A command spawnExec started in a container: its stdio, pid and exit, like a child process's. When
 * runc fails to start the command, its error (printed on the command's own stdio) becomes Docker's
 * message on stderr and Docker's exit code (see execFailure) instead: output is held back until
 * runc has written the pid file (the command started) or has exited.
 */
export class ExecProcess extends EventEmitter<{ close: [code: number]; error: [err: Error] }> {
  readonly stdin: Writable;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  /** The exit code, once the command has ended and its output is read (as `close` says). */
  exitCode: number | null = null;
  private started = false;
  private held: [PassThrough, Buffer][] = [];
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly files: { pidFile: string; logFile: string },
    private readonly command: string,
  ) {
    super();
    this.stdin = child.stdin;
    this.relay(child.stdout, this.stdout);
    this.relay(child.stderr, this.stderr);
    child.on("error", (e) => this.emit("error", e));
    child.on("close", (code) => void this.finish(code ?? 255));
  }

  /** The pid of the process spawned (runc, or `script` running it with a TTY). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private relay(from: Readable, to: PassThrough): void {
    from.on("data", (b: Buffer) => {
      if (!this.started && !this.checkStarted()) {
        this.held.push([to, b]);
        this.pollStarted();
        return;
      }
      if (to.write(b)) return;
      from.pause();
      to.once("drain", () => from.resume());
    });
  }

  /** Checks every 10 ms, while output is held, whether the command has started (until it has ended). */
  private pollStarted(): void {
    if (this.timer || this.ended) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.ended && !this.checkStarted()) this.pollStarted();
    }, 10);
  }

  /** Whether the command has started (runc wrote its pid file); the output held so far goes out then. */
  private checkStarted(): boolean {
    if (!this.started && existsSync(this.files.pidFile)) {
      this.started = true;
      this.flush();
    }
    return this.started;
  }

  private flush(): void {
    for (const [to, b] of this.held) to.write(b);
    this.held = [];
  }

  private async finish(code: number): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    let exitCode = code;
    if (code === 255 && !this.checkStarted()) {
      const error = await runcLoggedError(this.files.logFile);
      if (error) {
        const failure = execFailure(error, this.command);
        this.held = [[this.stderr, Buffer.from(`${failure.message}\n`)]];
        exitCode = failure.exitCode;
      }
    }
    this.flush();
    this.stdout.end();
    this.stderr.end();
    await Promise.all([finished(this.stdout), finished(this.stderr)]).catch(() => undefined);
    await Promise.all([rm(this.files.pidFile, { force: true }), rm(this.files.logFile, { force: true })]);
    this.exitCode = exitCode;
    this.emit("close", exitCode);
  }
}

/**
 * Spawns `runc exec` of a command in running container `id` (root filesystem `rootfs`) with piped
 * stdio, for the caller to stream; runc's pid and log files go to `stateDir` for the time it runs.
 * With a TTY, runc has to run in the foreground with a terminal of its own: runc 1.1 refuses `exec
 * --tty` when none of its stdio is a terminal ("open /dev/tty: no such device or address"), and a
 * detached runc would need a console socket passing file descriptors, which Node cannot receive.
 * So util-linux `script` runs it on a pty; runc sets that pty raw and relays it to the container's
 * new pty (copying its size, which `stty` sets first), so the pipes carry the terminal's bytes
 * unchanged, and `script -e` returns the command's exit code.
 */
export async function spawnExec(
  runc: Runc,
  id: string,
  rootfs: string,
  stateDir: string,
  opts: ExecOptions,
): Promise<ExecProcess> {
  let user: string | undefined;
  if (opts.user) {
    const u = await resolveUser(rootfs, opts.user);
    user = `${u.uid}:${u.gid}`;
  }
  const base = join(stateDir, `exec-${randomBytes(6).toString("hex")}`);
  const files = { pidFile: `${base}.pid`, logFile: `${base}.log` };
  const args = runc.execArgs(id, {
    args: opts.args,
    env: opts.env,
    cwd: opts.cwd,
    user,
    tty: opts.tty,
    ...files,
  });
  const command = opts.args[0] ?? "";
  if (!opts.tty)
    return new ExecProcess(spawn(RUNC, args, { stdio: ["pipe", "pipe", "pipe"] }), files, command);
  const size =
    opts.rows && opts.cols
      ? `stty rows ${Math.floor(opts.rows)} cols ${Math.floor(opts.cols)} 2>/dev/null; `
      : "";
  const shellCommand = `${size}exec ${[RUNC, ...args].map(shellQuote).join(" ")}`;
  const child = spawn("script", ["-qefc", shellCommand, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, SHELL: "/bin/sh" },
  });
  return new ExecProcess(child, files, command);
}

/**
 * Resizes the terminal of a TTY exec that spawnExec started, after it started: sets the size of the
 * pty `script` gave runc (found as runc's stdin), which sends runc SIGWINCH, and runc copies the new
 * size to the container's terminal. A no-op once the command has ended.
 */
export async function resizeExecTerminal(
  child: Pick<ExecProcess, "pid" | "exitCode">,
  rows: number,
  cols: number,
): Promise<void> {
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
  child: ExecProcess,
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
        exitCode: code,
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
