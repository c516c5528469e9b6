import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { createServer } from "node:net";
import { unavailable } from "@tsc/core";

/** How to run an embedded etcd. */
export interface EmbeddedEtcdOptions {
  dataDir: string;
  clientPort?: number;
  peerPort?: number;
  name?: string;
  /** Receives every line etcd prints, and supervision notices. */
  log?: (line: string) => void;
  etcdBinary?: string;
}

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
const RESTART_DELAY_MS = 1_000;
const TAIL_LINES = 20;
const INSTALL_HINT = "install it with: apt-get install etcd-server";

/** Instances still running, killed when this process exits so no etcd outlives it. */
const live = new Set<EmbeddedEtcd>();
let exitHookInstalled = false;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * A single-member etcd run as a child process on loopback ports, supervised: if it dies while
 * nobody asked it to, it is started again after 1 s (events "exit" and "restarted").
 */
export class EmbeddedEtcd extends EventEmitter {
  /** The client URL, http://127.0.0.1:<clientPort>. */
  readonly endpoint: string;
  private child: ChildProcess | undefined;
  private stopping = false;
  private supervised = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private tail: string[] = [];
  private readonly binary: string;

  private constructor(
    private readonly opts: EmbeddedEtcdOptions,
    private readonly clientPort: number,
    private readonly peerPort: number,
  ) {
    super();
    this.endpoint = `http://127.0.0.1:${clientPort}`;
    this.binary = opts.etcdBinary ?? "etcd";
  }

  /** Starts etcd on `dataDir` and resolves once it answers requests. */
  static async start(opts: EmbeddedEtcdOptions): Promise<EmbeddedEtcd> {
    const etcd = new EmbeddedEtcd(
      opts,
      opts.clientPort ?? (await freePort()),
      opts.peerPort ?? (await freePort()),
    );
    await etcd.launch();
    return etcd;
  }

  /** The current etcd process id (undefined while it is not running). */
  get pid(): number | undefined {
    return this.child && !exited(this.child) ? this.child.pid : undefined;
  }

  /** Stops etcd (SIGTERM, SIGKILL after 5 s) and waits for it to exit; no restart follows. */
  async stop(): Promise<void> {
    this.halt();
    const child = this.child;
    if (!child || exited(child)) return;
    child.kill("SIGTERM");
    if (!(await waitExit(child, STOP_GRACE_MS))) {
      child.kill("SIGKILL");
      await waitExit(child, STOP_GRACE_MS);
    }
  }

  /** Kills etcd with SIGKILL, as a crash would, without a supervised restart (for tests). */
  async kill(): Promise<void> {
    this.halt();
    const child = this.child;
    if (!child || exited(child)) return;
    child.kill("SIGKILL");
    await waitExit(child, STOP_GRACE_MS);
  }

  /** Stops etcd if it runs, then starts it again on the same data dir and ports. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  private halt(): void {
    this.stopping = true;
    this.supervised = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private log(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    this.opts.log?.(line);
  }

  private async launch(): Promise<void> {
    this.stopping = false;
    this.tail = [];
    const { dataDir, name = "tsc" } = this.opts;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const args = [
      ...["--name", name, "--data-dir", dataDir],
      ...["--listen-client-urls", this.endpoint, "--advertise-client-urls", this.endpoint],
      ...["--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer],
      ...["--initial-cluster", `${name}=${peer}`],
      ...["--auto-compaction-mode", "periodic", "--auto-compaction-retention", "1h"],
    ];
    const child = spawn(this.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once("error", (err: NodeJS.ErrnoException) => (spawnError = err));
    let partial = "";
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) this.log(line);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => this.onExit(child, code, signal));
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.once("exit", () => live.forEach((e) => e.child?.kill("SIGKILL")));
    }
    live.add(this);

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (spawnError) {
        const missing = spawnError.code === "ENOENT";
        throw unavailable(
          missing ? `etcd binary "${this.binary}" not found` : `cannot run "${this.binary}"`,
          { hint: missing ? INSTALL_HINT : undefined, cause: spawnError },
        );
      }
      if (exited(child)) throw this.notReady(`etcd exited (${child.exitCode ?? child.signalCode})`);
      if (await this.healthy()) break;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await waitExit(child, STOP_GRACE_MS);
        throw this.notReady(`etcd at ${this.endpoint} was not ready within 15 s`);
      }
      await sleep(100);
    }
    this.supervised = true;
  }

  private notReady(what: string): Error {
    return unavailable(`${what}; last output:\n${this.tail.join("\n")}`);
  }

  private async healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: unknown };
      return res.ok && body.health === "true";
    } catch {
      return false;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (child !== this.child) return;
    if (this.stopping) live.delete(this);
    if (this.stopping || !this.supervised) return;
    this.supervised = false;
    this.log(`etcd (pid ${child.pid}) exited unexpectedly (${code ?? signal}); restarting in 1 s`);
    this.emit("exit", code, signal);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.launch().then(
        () => this.emit("restarted"),
        (err: unknown) => {
          this.log(`etcd restart failed: ${String(err)}`);
          if (!this.stopping) this.scheduleRestart();
        },
      );
    }, RESTART_DELAY_MS);
  }
}
