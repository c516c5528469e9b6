import { spawn } from "node:child_process";
import type { ChildProcessByStdio } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { getSystemErrorMap } from "node:util";
import { unavailable } from "@tsc/core";
import { signalName } from "../container/signals.js";

/** Where the server script lives: `libexec/` of this package, two levels above src/util and dist/util. */
const SERVER_SCRIPT = fileURLToPath(new URL("../../libexec/tsc-spawn-server", import.meta.url));

/** How a child ended: its exit code (-1 when killed) and the signal that killed it, as Node reports them. */
export interface ChildEnd {
  code: number;
  signal: NodeJS.Signals | null;
}

/** What to start. */
export interface ServerSpawnOptions {
  /** The whole environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Variables added to this process's environment (when `env` is not given). */
  addEnv?: Record<string, string>;
  cwd?: string;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Give the child a pipe on fd 3 too (conmon's sync pipe), reported as "fd3". */
  fd3?: boolean;
  /** Start the child in a session of its own (setsid), as `detached` does in child_process. */
  detached?: boolean;
}

/** A child the server started. */
export interface ServerChild {
  /** Receives each chunk the child writes to stdout, stderr or fd 3. Set before output can arrive. */
  onOutput: (stream: "stdout" | "stderr" | "fd3", data: Buffer) => void;
  /**
   * Settles once the child has exited and every pipe to it is closed (Node's 'close'). Rejects with
   * an ErrnoException when the program could not be run (code ENOENT when it does not exist), and
   * with Unavailable when the server itself died.
   */
  readonly closed: Promise<ChildEnd>;
  /** Sends a signal to the child (SIGTERM by default); nothing happens once it has ended. */
  kill(signal?: NodeJS.Signals): void;
  /** Stops listening: the server closes its pipes, and `closed` never settles. The child runs on. */
  release(): void;
}

interface Pending {
  child: ServerChild;
  settle: (end: ChildEnd) => void;
  fail: (e: Error) => void;
}

/**
 * Starts programs through a small long-lived helper process (libexec/tsc-spawn-server), instead of
 * forking this one. Node's child_process forks the whole process: with tscd's ~90 MiB that costs
 * about 1.7 ms of CPU and blocks the event loop for ~3 ms per child, five children per container
 * start. The helper forks a few MiB. It is started on first use, restarted if it dies, and does not
 * keep the event loop alive when nothing is running.
 */
export class SpawnServer {
  private proc: ChildProcessByStdio<Writable, Readable, null> | undefined;
  private readonly pending = new Map<string, Pending>();
  private inbox: Buffer = Buffer.alloc(0);
  private nextId = 1;

  constructor(private readonly script = SERVER_SCRIPT) {}

  /** Starts `file` with `args` (argv[0] is `file`); see ServerChild. */
  spawn(file: string, args: readonly string[], opts: ServerSpawnOptions = {}): ServerChild {
    const id = String(this.nextId++);
    const child = this.register(id, (closed) => ({
      onOutput: () => undefined,
      closed,
      kill: (signal = "SIGTERM") => {
        if (this.pending.has(id)) this.send(["k", id, String(constants.signals[signal])]);
      },
      release: () => {
        if (this.pending.delete(id)) this.send(["r", id]);
        this.refWhileBusy();
      },
    }));
    // Without `env` the child gets the server's environment, which is this process's: nothing in
    // tscd changes process.env, and reading it whole costs ~0.2 ms a time.
    const pairs = (vars: NodeJS.ProcessEnv): string[] =>
      Object.entries(vars).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
    const given = opts.env ? pairs(opts.env) : opts.addEnv ? pairs(opts.addEnv) : undefined;
    const count = given ? `${opts.env ? "" : "+"}${given.length}` : "-";
    const flags = `${opts.fd3 ? "3" : ""}${opts.detached ? "d" : ""}`;
    const head = ["s", id, flags, file, opts.cwd ?? "", String(args.length + 1), file, ...args];
    this.send([...head, count, ...(given ?? [])], opts.input);
    return child;
  }

  /**
   * Runs one of the server's built-in operations in a child of it (a system call instead of a
   * program: see BUILTINS in libexec/tsc-spawn-server). Rejects with an ErrnoException carrying
   * the failed call's errno, ENOSYS where the server has no such built-in (an architecture it
   * does not know the syscall numbers of: callers then run the program instead).
   */
  async builtin(op: "mount" | "umount" | "netns", args: readonly string[]): Promise<void> {
    const id = String(this.nextId++);
    const none = (): void => undefined;
    const { closed } = this.register(id, (ended) => ({
      onOutput: none,
      closed: ended,
      kill: none,
      release: none,
    }));
    this.send(["b", id, op, ...args]);
    const { code } = await closed;
    if (code !== 0) throw errnoException(code, op);
  }

  /** Starts the server if need be and expects the end of `id`, which settles the child's `closed`. */
  private register(id: string, make: (closed: Promise<ChildEnd>) => ServerChild): ServerChild {
    let settle!: (end: ChildEnd) => void;
    let fail!: (e: Error) => void;
    const child = make(
      new Promise<ChildEnd>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      }),
    );
    this.process();
    this.pending.set(id, { child, settle, fail });
    this.refWhileBusy();
    return child;
  }

  /** The server's process ID while it runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Ends the server (it exits when its stdin closes); children it started keep running. */
  close(): void {
    this.proc?.stdin.end();
    this.proc = undefined;
  }

  private process(): ChildProcessByStdio<Writable, Readable, null> {
    if (this.proc) return this.proc;
    const proc = spawn("perl", [this.script], { stdio: ["pipe", "pipe", "inherit"] });
    proc.stdout.on("data", (b: Buffer) => this.receive(b));
    proc.stdin.on("error", () => undefined);
    const died = (why: string): void => {
      if (this.proc !== proc) return;
      this.proc = undefined;
      this.inbox = Buffer.alloc(0);
      const hint = why.includes("ENOENT") ? "install it with: apt-get install perl-base" : undefined;
      for (const p of this.pending.values()) p.fail(unavailable(`tsc-spawn-server ${why}`, { hint }));
      this.pending.clear();
    };
    proc.on("error", (e) => died(`could not start: ${e.message}`));
    proc.on("exit", (code, signal) => died(`exited (${signal ?? `code ${code}`})`));
    proc.unref();
    (proc.stdin as unknown as { unref?(): void }).unref?.();
    this.proc = proc;
    return proc;
  }

  /** Keeps the event loop alive exactly while some child's end is awaited. */
  private refWhileBusy(): void {
    const out = this.proc?.stdout as unknown as { ref?(): void; unref?(): void } | undefined;
    if (this.pending.size > 0) out?.ref?.();
    else out?.unref?.();
  }

  private send(fields: string[], data?: string | Buffer): void {
    const parts = [Buffer.from(fields.join("\0"), "utf8")];
    if (fields[0] === "s") parts.push(Buffer.from("\0"), Buffer.from(data ?? ""));
    const payload = Buffer.concat(parts);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length);
    this.process().stdin.write(Buffer.concat([header, payload]));
  }

  private receive(chunk: Buffer): void {
    this.inbox = this.inbox.length ? Buffer.concat([this.inbox, chunk]) : chunk;
    while (this.inbox.length >= 4) {
      const size = this.inbox.readUInt32BE(0);
      if (this.inbox.length < 4 + size) break;
      const frame = this.inbox.subarray(4, 4 + size);
      this.inbox = this.inbox.subarray(4 + size);
      this.dispatch(frame);
    }
  }

  private dispatch(frame: Buffer): void {
    const kindEnd = frame.indexOf(0);
    const idEnd = frame.indexOf(0, kindEnd + 1);
    const kind = frame.toString("latin1", 0, kindEnd);
    const id = frame.toString("latin1", kindEnd + 1, idEnd);
    const data = frame.subarray(idEnd + 1);
    const p = this.pending.get(id);
    if (!p) return;
    if (kind === "o" || kind === "e" || kind === "3")
      p.child.onOutput(kind === "o" ? "stdout" : kind === "e" ? "stderr" : "fd3", Buffer.from(data));
    else if (kind === "x" || kind === "f") {
      this.pending.delete(id);
      this.refWhileBusy();
      if (kind === "f") p.fail(errnoException(Number(data.toString())));
      else {
        const [code, signal] = data.toString().split("\0").map(Number);
        p.settle({ code: code!, signal: signal ? signalName(signal) : null });
      }
    }
  }
}

/** An errno as Node reports a failed call: code ENOENT, message "WHAT failed: no such file or directory". */
function errnoException(errno: number, what = "spawn"): NodeJS.ErrnoException {
  const [code, text] = getSystemErrorMap().get(-errno) ?? ["EUNKNOWN", `errno ${errno}`];
  return Object.assign(new Error(`${what} failed: ${text}`), { errno: -errno, code });
}

let shared: SpawnServer | undefined;

/** The process-wide spawn server that the runtime starts its helpers through. */
export function spawnServer(): SpawnServer {
  shared ??= new SpawnServer();
  return shared;
}
