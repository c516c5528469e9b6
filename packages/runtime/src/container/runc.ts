import { failedPrecondition, notFound } from "@tsc/core";
import type { RunResult } from "../util/exec.js";
import { run } from "../util/exec.js";

/** The binary this runtime drives (Debian's runc). */
export const RUNC = "/usr/sbin/runc";

/** What `runc state` reports. */
export interface RuncState {
  id: string;
  pid: number;
  status: "creating" | "created" | "running" | "paused" | "stopped";
  bundle: string;
}

/**
 * One typed wrapper around the runc CLI, with its own state root. runc's "does not exist" becomes
 * NotFound and "not running"/"cannot … in state" becomes FailedPrecondition, quoting the ID.
 */
export class Runc {
  constructor(readonly root: string) {}

  private async call(args: string[], id: string, opts: { allowFailure?: boolean } = {}): Promise<RunResult> {
    const r = await run(RUNC, ["--root", this.root, ...args], { allowFailure: true, packageHint: "runc" });
    if (r.code !== 0 && !opts.allowFailure) {
      const msg = (r.stderr.match(/msg="([^"]*)"/)?.[1] ?? r.stderr).trim();
      if (/does not exist|not found/.test(msg)) throw notFound("container", id);
      if (/not running|cannot .* in state|is not|already/.test(msg))
        throw failedPrecondition(`container ${JSON.stringify(id)}: ${msg}`);
      throw new Error(`runc ${args[0]} ${id}: ${msg || `exit code ${r.code}`}`);
    }
    return r;
  }

  /** `runc list`: the state of every container runc knows under this root, by ID (one process for all). */
  async list(): Promise<Map<string, RuncState>> {
    const r = await this.call(["list", "--format", "json"], "*");
    const all = (JSON.parse(r.stdout.trim() || "null") as RuncState[] | null) ?? [];
    return new Map(all.map((s) => [s.id, s]));
  }

  /** `runc state`; undefined when runc does not know the container. */
  async state(id: string): Promise<RuncState | undefined> {
    const r = await this.call(["state", id], id, { allowFailure: true });
    return r.code === 0 ? (JSON.parse(r.stdout) as RuncState) : undefined;
  }

  /** Starts a created container's process. */
  async start(id: string): Promise<void> {
    await this.call(["start", id], id);
  }

  /** Sends a signal (name or number) to the container's init process, or to all its processes. */
  async kill(id: string, signal: string, opts: { all?: boolean } = {}): Promise<void> {
    await this.call(["kill", ...(opts.all ? ["--all"] : []), id, signal.replace(/^SIG/, "")], id);
  }

  /** Deletes the container's runc state (`force` kills it first). No error when already gone. */
  async delete(id: string, opts: { force?: boolean } = {}): Promise<void> {
    await this.call(["delete", ...(opts.force ? ["--force"] : []), id], id, { allowFailure: true });
  }

  /** Freezes every process. */
  async pause(id: string): Promise<void> {
    await this.call(["pause", id], id);
  }

  /** Thaws a paused container. */
  async resume(id: string): Promise<void> {
    await this.call(["resume", id], id);
  }

  /** The host PIDs of the container's processes. */
  /** `runc update`: new memory (bytes), CPU quota (µs per 100 ms period) and pids limits for a running container. */
  async update(id: string, r: { memory?: number; cpuQuota?: number; pidsLimit?: number }): Promise<void> {
    const args = ["update"];
    if (r.memory !== undefined)
      args.push("--memory", String(r.memory), "--memory-swap", String(r.memory > 0 ? r.memory * 2 : -1));
    if (r.cpuQuota !== undefined) args.push("--cpu-period", "100000", "--cpu-quota", String(r.cpuQuota));
    if (r.pidsLimit !== undefined) args.push("--pids-limit", String(r.pidsLimit));
    await this.call([...args, id], id);
  }

  async ps(id: string): Promise<number[]> {
    const r = await this.call(["ps", "--format", "json", id], id);
    return (JSON.parse(r.stdout || "[]") as number[] | null) ?? [];
  }

  /** Arguments for `runc exec` of a process in the container (the caller spawns it with its stdio). */
  execArgs(
    id: string,
    opts: {
      args: string[];
      env?: string[];
      cwd?: string;
      user?: string;
      tty?: boolean;
      /** Written once the command has started (it never is when runc fails to start it). */
      pidFile?: string;
      /** runc's own messages, as JSON lines (its failure is also printed on its stderr). */
      logFile?: string;
    },
  ): string[] {
    return [
      "--root",
      this.root,
      ...(opts.logFile ? ["--log", opts.logFile, "--log-format", "json"] : []),
      "exec",
      ...(opts.pidFile ? ["--pid-file", opts.pidFile] : []),
      ...(opts.tty ? ["--tty"] : []),
      ...(opts.env ?? []).flatMap((e) => ["--env", e]),
      ...(opts.cwd ? ["--cwd", opts.cwd] : []),
      ...(opts.user ? ["--user", opts.user] : []),
      id,
      ...opts.args,
    ];
  }
}
