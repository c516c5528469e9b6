/**
 * A tscd started by a test: its own data root, exec root, socket, address pool and DNS, driven
 * through the real `tscctl` binary. `stop` removes every container and network it made (they
 * outlive the daemon by design), stops the daemon, deletes its bridges and unmounts its data root.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { makeBusyboxImageArchive } from "../../packages/runtime/test/support/busybox.js";
import { unmountAllUnder } from "../../packages/runtime/test/support/cleanup.js";

const repo = resolve(import.meta.dirname, "../..");
/** The built binaries the tests drive, run as a user runs them (executed, so their `#!` line applies). */
export const TSCD = join(repo, "packages/daemon/bin/tscd.js");
export const TSCCTL = join(repo, "packages/cli/bin/tscctl.js");
export const TSC_COMPOSE = join(repo, "packages/cli/bin/tsc-compose.js");

/** What a finished command printed and returned. */
export interface CmdResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A running test daemon. */
export class TestEngine {
  private proc: ChildProcess | undefined;
  readonly socket: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly log: string[] = [];

  constructor(
    readonly dir = mkdtempSync(join(tmpdir(), "tsc-e2e-")),
    readonly extraArgs: string[] = [],
    readonly pool = "10.222.0.0/16",
  ) {
    this.socket = join(dir, "tscd.sock");
    this.dataRoot = join(dir, "data");
    this.execRoot = join(dir, "run");
  }

  /** The environment tscctl runs with (TSC_HOST pointing at this daemon; own config dir). */
  get env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.dir,
      TSC_HOST: `unix://${this.socket}`,
      TSC_CONFIG: join(this.dir, "config"),
    };
  }

  /** tscd's arguments for this engine (own data root, exec root, socket and pools). */
  daemonArgs(): string[] {
    return [
      "--data-root",
      this.dataRoot,
      "--exec-root",
      this.execRoot,
      "-H",
      `unix://${this.socket}`,
      "--default-address-pool",
      this.pool,
      // Stack networks from a pool next to the local one (10.222/16 → 10.232/16).
      "--cluster-address-pool",
      this.pool.replace(/^10\.(\d+)\./, (_m, b: string) => `10.${Number(b) + 10}.`),
      ...this.extraArgs,
    ];
  }

  /** Starts tscd and waits until it answers. */
  async start(): Promise<void> {
    const proc = spawn(TSCD, this.daemonArgs(), { stdio: ["ignore", "pipe", "pipe"] });
    this.proc = proc;
    proc.stdout!.on("data", (b: Buffer) => this.log.push(b.toString()));
    proc.stderr!.on("data", (b: Buffer) => this.log.push(b.toString()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`tscd exited: ${this.log.join("")}`);
      if (existsSync(this.socket) && this.ctl(["version"]).code === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`tscd did not come up: ${this.log.join("")}`);
  }

  /** The daemon's PID. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Builds the busybox test image and loads it into the daemon through `tscctl load`. */
  loadBusybox(): string {
    const archive = join(this.dir, "busybox.tar");
    makeBusyboxImageArchive(archive);
    return this.ctl(["load", "-i", archive]).stdout;
  }

  /** The PID of the daemon's embedded etcd. */
  etcdPid(): number {
    return (
      JSON.parse(readFileSync(join(this.dataRoot, "etcd", "tscd-etcd.json"), "utf8")) as { pid: number }
    ).pid;
  }

  /** Kills the daemon with SIGKILL (containers keep running) and waits for it to be gone. */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once("exit", r));
    p.kill("SIGKILL");
    await gone;
  }

  /** SIGTERM and wait. */
  async terminate(): Promise<number | null> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return p?.exitCode ?? null;
    const gone = new Promise<number | null>((r) => p.once("exit", (code) => r(code)));
    p.kill("SIGTERM");
    return gone;
  }

  /** Runs tscctl to completion. */
  ctl(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CmdResult {
    const r = spawnSync(TSCCTL, args, {
      env: { ...this.env, ...opts.env },
      input: opts.input,
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Runs tsc-compose to completion (from `cwd`, default the repository). */
  compose(
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
  ): CmdResult {
    const r = spawnSync(TSC_COMPOSE, args, {
      cwd: opts.cwd ?? repo,
      env: { ...this.env, ...opts.env },
      input: opts.input,
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Starts tscctl in the background (for `logs -f`, `events`; with `stdin`, its stdin is a pipe to write to). */
  spawnCtl(
    args: string[],
    bin = TSCCTL,
    opts: { stdin?: boolean } = {},
  ): ChildProcess & { output: () => string } {
    const child = spawn(bin, args, {
      env: this.env,
      stdio: [opts.stdin ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
    return Object.assign(child, { output: () => out });
  }

  /** Removes everything the daemon made, stops it, and cleans the host. */
  async stop(): Promise<void> {
    if (this.proc && this.proc.exitCode === null) {
      for (const p of this.compose(["ls", "-q"]).stdout.split("\n").filter(Boolean))
        this.compose(["-p", p, "down", "-v", "--progress", "quiet"]);
      const ids = this.ctl(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter(Boolean);
      if (ids.length) this.ctl(["rm", "-f", "-v", ...ids]);
      for (const n of this.ctl(["network", "ls", "--format", "{{.Name}}"])
        .stdout.split("\n")
        .filter((n) => n && n !== "bridge"))
        this.ctl(["network", "rm", n]);
      await this.terminate();
    }
    this.cleanupHost();
  }

  /** Deletes bridges, netns, conmon processes and mounts that belong to this data root. */
  cleanupHost(): void {
    const netDir = join(this.dataRoot, "networks");
    if (existsSync(netDir))
      for (const f of readdirSync(netDir).filter((x) => /^[a-f0-9]{64}\.json$/.test(x))) {
        const bridge = (JSON.parse(readFileSync(join(netDir, f), "utf8")) as { bridge: string }).bridge;
        spawnSync("ip", ["link", "delete", bridge]);
        removeIptablesRules(`tsc:${bridge}`);
      }
    const sbDir = join(netDir, "sandboxes");
    if (existsSync(sbDir))
      for (const f of readdirSync(sbDir)) spawnSync("ip", ["netns", "delete", `tsc-${f.slice(0, 12)}`]);
    spawnSync("pkill", ["-9", "-f", `conmon.*${this.execRoot}`]);
    spawnSync("pkill", ["-9", "-f", `etcd.*${this.dataRoot}`]);
    spawnSync("pkill", ["-9", "-f", `runc.*${this.execRoot}`]);
    try {
      unmountAllUnder(this.dir);
    } catch {
      execFileSync("sync");
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Deletes every iptables rule (filter and nat) whose comment is `comment`. */
export function removeIptablesRules(comment: string): void {
  for (const table of ["filter", "nat"]) {
    const lines = spawnSync("iptables", ["-w", "-t", table, "-S"], { encoding: "utf8" }).stdout.split("\n");
    for (const line of lines.filter((l) => l.startsWith("-A ") && l.includes(comment)))
      spawnSync("sh", ["-c", `iptables -w -t ${table} ${line.replace(/^-A /, "-D ")}`]);
  }
}

/** Polls `check` until it returns a truthy value, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
