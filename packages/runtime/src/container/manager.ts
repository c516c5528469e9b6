import { EventEmitter } from "node:events";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { failedPrecondition } from "@tsc/core";
import { diskUsage, spreadSubdirectories, writeFileAtomic } from "../util/fs.js";
import type { BundleLayout } from "./bundle.js";
import { bundleLayout, mountRootfs, removeBundle, unmountRootfs, writeHostsAddress } from "./bundle.js";
import type { AttachConnection, AttachHandlers } from "./attach.js";
import { connectAttach } from "./attach.js";
import { withContainerPath } from "./container-path.js";
import { processBoundingSet } from "./capabilities.js";
import { conmonPaths, createUnderConmon } from "./conmon.js";
import { ExitWatcher } from "./exit-watch.js";
import type { ExecOptions, ExecProcess } from "./exec.js";
import { collectExec, spawnExec } from "./exec.js";
import type { FsChange } from "./inspect-fs.js";
import { diffUpperDir, tarUpperDir } from "./inspect-fs.js";
import type { ContainerStats } from "./stats.js";
import { readStats } from "./stats.js";
import type { LogEntry, LogReadOptions } from "./logs.js";
import type { ContainerRuntime, ExecResult, StartOptions } from "./runtime.js";
import { readLogs } from "./logs.js";
import { newContainerId } from "./names.js";
import type { BundleContext, ImageProvider } from "./prepare.js";
import { prepareBindSources, prepareBundle, writeContainerConfig } from "./prepare.js";
import { restartDelay, shouldRestart } from "./restart.js";
import type { ProcessTable } from "./top.js";
import { processTable } from "./top.js";
import { Runc } from "./runc.js";
import { parseSignal } from "./signals.js";
import type { VolumeProvider } from "./volumes.js";
import { detachVolumes } from "./volumes.js";
import { processArgs } from "./spec.js";
import { ContainerTable, isUp } from "./table.js";
import type { ContainerRecord, ContainerSpec } from "./types.js";

/** Where the manager keeps things and what it runs with. */
export interface ContainerManagerOptions {
  /** Persistent state: bundles, logs, container.json (e.g. /var/lib/tsc). */
  dataRoot: string;
  /** Runtime state: runc root, conmon files, exit codes (e.g. /run/tsc). */
  runRoot: string;
  images: ImageProvider;
  /** tini for `init: true` (Debian's tini-static). */
  initBinary?: string;
  /** Named and anonymous volumes; without it, specs with volumes are refused. */
  volumes?: VolumeProvider;
  /** Bytes a container log may reach before conmon truncates it (default 64 MiB). */
  logSizeMax?: number;
  /** What the containers' owner does around every run of them. */
  hooks?: ContainerHooks;
}

/** What the owner of the containers (the agent) does around their runs: publish and free ports. */
export interface ContainerHooks {
  /** Before a container's process starts, on every start (restarts by policy too); a rejection fails the start. */
  beforeStart?(rec: ContainerRecord): Promise<void>;
  /** Once a container has stopped for good (no restart by policy follows), before waiters hear of it. */
  afterExit?(rec: ContainerRecord): Promise<void>;
}

/** A lifecycle event, as `docker events` shows them. */
export interface ContainerEvent {
  action:
    | "create"
    | "start"
    | "die"
    | "stop"
    | "kill"
    | "restart"
    | "pause"
    | "unpause"
    | "destroy"
    | "rename"
    | "update";
  id: string;
  name: string;
  time: string;
  exitCode?: number;
}

/**
 * Owns the containers of one host: each runs under its own conmon (which keeps it alive and records
 * its exit code even when this process dies) and is driven through runc. State is persisted per
 * container; `open` re-adopts running containers and learns how the others exited. Restart policies
 * restart a container in place (same ID) with a doubling back-off.
 */
export class ContainerManager extends EventEmitter implements ContainerRuntime {
  private readonly records = new ContainerTable<ContainerRecord>((rec) => rec);
  private readonly exits: ExitWatcher;
  private readonly waiters = new Map<string, ((code: number) => void)[]>();
  private readonly restartTimers = new Map<string, NodeJS.Timeout>();
  /** Restarts by policy whose launch is under way: stop and remove wait for them. */
  private readonly relaunching = new Map<string, Promise<void>>();
  private readonly handling = new Set<string>();
  readonly runc: Runc;
  private readonly bundleContext: BundleContext;

  private constructor(private readonly opts: ContainerManagerOptions) {
    super();
    this.runc = new Runc(join(opts.runRoot, "runc"));
    this.exits = new ExitWatcher(opts.runRoot);
    this.bundleContext = { ...opts, boundingSet: processBoundingSet(), lookup: (ref) => this.get(ref) };
  }

  /** Loads every container under the data root and re-adopts the running ones. */
  static async open(opts: ContainerManagerOptions): Promise<ContainerManager> {
    const m = new ContainerManager(opts);
    await mkdir(join(opts.dataRoot, "containers"), { recursive: true });
    await spreadSubdirectories(join(opts.dataRoot, "containers"));
    await mkdir(join(opts.runRoot, "runc"), { recursive: true });
    await m.recover();
    return m;
  }

  /** Re-reads container state: re-watches running containers, records exits that happened meanwhile. */
  async recover(): Promise<string[]> {
    const adopted: string[] = [];
    // One `runc list` for every container instead of a `runc state` each (200 forks of tscd at start).
    const states = await this.runc.list();
    for (const id of await readdir(join(this.opts.dataRoot, "containers"))) {
      const file = bundleLayout(this.opts.dataRoot, id).record;
      if (!existsSync(file)) continue;
      const rec = JSON.parse(await readFile(file, "utf8")) as ContainerRecord;
      this.records.set(id, rec);
      // The image store keeps its holders in memory: tell it again which images are in use.
      await this.opts.images.retain(rec.imageId, id);
      if (rec.status !== "running" && rec.status !== "paused" && rec.status !== "restarting") continue;
      const state = states.get(id);
      const alive = state !== undefined && (state.status === "running" || state.status === "paused");
      if (rec.status === "restarting" && !alive) {
        // Down between two runs (its exit file is the last run's): started now with a new count,
        // as dockerd starts the containers its restart policies keep when it starts.
        rec.restartCount = 0;
        await this.launch(rec).catch(() => undefined);
        continue;
      }
      if (existsSync(conmonPaths(this.opts.runRoot, id).exitFile)) {
        await this.onExit(id);
        continue;
      }
      if (alive) {
        rec.pid = state.pid;
        if (rec.status === "restarting") {
          // Went down while starting it again, after its process started.
          rec.status = "running";
          await this.save(rec);
        }
        this.watchExit(id);
        adopted.push(id);
      } else {
        await this.ended(rec);
        await this.finish(rec, 255, "container process vanished while the runtime was down");
      }
    }
    return adopted;
  }

  /** See ContainerRuntime.checkName. */
  checkName(name: string): string {
    return this.records.claimableName(name);
  }

  /** Every container (running ones only unless `all`), newest first. */
  list(opts: { all?: boolean } = {}): ContainerRecord[] {
    return this.records.list(opts);
  }

  /** Finds a container by ID, unique ID prefix or name. */
  get(ref: string): ContainerRecord {
    return this.records.get(ref);
  }

  /** `create`: resolves the image, prepares the bundle and records the container (not started). */
  async create(spec: ContainerSpec): Promise<ContainerRecord> {
    const name = this.records.claimableName(spec.name ?? this.records.freeName());
    if (spec.network?.type === "container") this.get(spec.network.container);
    if (spec.stopSignal !== undefined) parseSignal(spec.stopSignal);
    const image = await this.opts.images.resolve(spec.image);
    const id = newContainerId();
    const { volumes, runSpec } = await prepareBundle(
      this.bundleContext,
      id,
      spec,
      image,
      spec.hostname ?? id.slice(0, 12),
    );
    const rec: ContainerRecord = {
      id,
      name,
      spec,
      imageId: image.id,
      imageRef: spec.image,
      imageConfig: image.config,
      created: new Date().toISOString(),
      status: "created",
      pid: 0,
      exitCode: 0,
      restartCount: 0,
      manuallyStopped: false,
      args: processArgs(spec, image.config),
      ...(volumes.length ? { volumes } : {}),
      ...(runSpec !== spec ? { runSpec } : {}),
    };
    this.records.set(id, rec);
    await this.save(rec);
    this.emitEvent("create", rec);
    return rec;
  }

  /** `start`: mounts the rootfs, runs the container under conmon and starts its process. */
  async start(ref: string, opts: StartOptions = {}): Promise<ContainerRecord> {
    const rec = this.get(ref);
    if (rec.status === "running" || rec.status === "paused") return rec;
    this.cancelRestart(rec.id);
    rec.manuallyStopped = false;
    await this.launch(rec, opts.beforeStart);
    return rec;
  }

  /** Runs the container under a new conmon; `beforeStart` runs once it is created, before its process starts. */
  private async launch(rec: ContainerRecord, beforeStart?: () => Promise<void>): Promise<void> {
    const b = bundleLayout(this.opts.dataRoot, rec.id);
    const paths = conmonPaths(this.opts.runRoot, rec.id);
    await rm(paths.dir, { recursive: true, force: true });
    // Leftover runc state (from a crash) would make `runc create` fail.
    if (existsSync(join(this.runc.root, rec.id))) await this.runc.delete(rec.id, { force: true });
    const image = await this.opts.images.resolve(rec.imageId);
    // A `-v` bind's host directory is created again if it went away since the last start.
    await prepareBindSources((rec.runSpec ?? rec.spec).mounts);
    // A shared network namespace is the other container's as it runs now: resolved at each start.
    if (rec.spec.network?.type === "container") {
      const other = this.get(rec.spec.network.container);
      if (other.status !== "running")
        throw failedPrecondition(
          `cannot join the network of container ${other.id.slice(0, 12)}: it is not running`,
        );
      const spec: ContainerSpec = {
        ...(rec.runSpec ?? rec.spec),
        network: { type: "netns", path: `/proc/${other.pid}/ns/net` },
      };
      await writeContainerConfig(
        this.bundleContext,
        rec.id,
        spec,
        image,
        rec.spec.hostname ?? rec.id.slice(0, 12),
      );
    }
    await mountRootfs(b, image.layerDirs);
    try {
      rec.pid = await createUnderConmon({
        id: rec.id,
        name: rec.name,
        bundle: b.dir,
        runcRoot: this.runc.root,
        logPath: b.log,
        logSizeMax: this.opts.logSizeMax ?? 64 * 1024 * 1024,
        paths,
        stdio: rec.spec,
      });
      this.watchExit(rec.id);
      await this.opts.hooks?.beforeStart?.(rec);
      await beforeStart?.();
      await this.runc.start(rec.id);
    } catch (e) {
      this.exits.unwatch(rec.id);
      await this.runc.delete(rec.id, { force: true });
      await unmountRootfs(b).catch(() => undefined);
      await this.ended(rec);
      rec.status = "exited";
      rec.exitCode = 128;
      rec.error = e instanceof Error ? e.message : String(e);
      await this.save(rec);
      throw e;
    }
    rec.status = "running";
    rec.startedAt = new Date().toISOString();
    rec.error = undefined;
    await this.save(rec);
    this.emitEvent("start", rec);
  }

  /** `stop`: the stop signal, then SIGKILL after the grace period. Resolves once it has exited. */
  async stop(ref: string, opts: { timeout?: number } = {}): Promise<ContainerRecord> {
    const rec = this.get(ref);
    rec.manuallyStopped = true;
    this.cancelRestart(rec.id);
    // A restart by policy under way ends first (then its container is stopped as any running one).
    await this.relaunching.get(rec.id);
    if (rec.status === "restarting") {
      await this.ended(rec);
      await this.finish(rec, rec.exitCode);
    }
    if (rec.status !== "running" && rec.status !== "paused") {
      await this.save(rec);
      return rec;
    }
    const exited = this.wait(rec.id);
    const grace = (opts.timeout ?? rec.spec.stopTimeout ?? 10) * 1000;
    if (rec.status === "paused") await this.runc.resume(rec.id);
    await this.runc
      .kill(rec.id, rec.spec.stopSignal ?? rec.imageConfig.StopSignal ?? "SIGTERM")
      .catch(() => undefined);
    const timer = setTimeout(
      () => void this.runc.kill(rec.id, "SIGKILL", { all: true }).catch(() => undefined),
      grace,
    );
    await exited;
    clearTimeout(timer);
    this.emitEvent("stop", rec);
    return rec;
  }

  /** `kill`: sends a signal (default SIGKILL) to the container's main process. */
  async kill(ref: string, signal = "SIGKILL"): Promise<void> {
    const rec = this.get(ref);
    const sig = parseSignal(signal);
    if (rec.status !== "running" && rec.status !== "paused")
      throw failedPrecondition(`container ${rec.id.slice(0, 12)} is not running`);
    await this.runc.kill(rec.id, sig);
    this.emitEvent("kill", rec);
  }

  /** `restart`: stop, then start. */
  async restart(ref: string, opts: { timeout?: number } = {}): Promise<ContainerRecord> {
    await this.stop(ref, opts);
    const rec = await this.start(ref);
    this.emitEvent("restart", rec);
    return rec;
  }

  /** `pause` / `unpause` through the freezer. */
  async pause(ref: string): Promise<void> {
    const rec = this.get(ref);
    if (rec.status === "paused")
      throw failedPrecondition(`container ${rec.id} is already paused`, {
        hint: `unpause it with \`tscctl unpause ${rec.name}\``,
      });
    if (rec.status !== "running") throw failedPrecondition(`container ${rec.id.slice(0, 12)} is not running`);
    await this.runc.pause(rec.id);
    rec.status = "paused";
    await this.save(rec);
    this.emitEvent("pause", rec);
  }

  /** Thaws a paused container. */
  async unpause(ref: string): Promise<void> {
    const rec = this.get(ref);
    if (rec.status !== "paused") throw failedPrecondition(`container ${rec.id.slice(0, 12)} is not paused`);
    await this.runc.resume(rec.id);
    rec.status = "running";
    await this.save(rec);
    this.emitEvent("unpause", rec);
  }

  /** Resolves with the exit code once the container is not running (at once if it is not). */
  wait(ref: string): Promise<number> {
    const rec = this.get(ref);
    if (rec.status !== "running" && rec.status !== "paused") return Promise.resolve(rec.exitCode);
    return new Promise((resolve) => {
      const list = this.waiters.get(rec.id) ?? [];
      list.push(resolve);
      this.waiters.set(rec.id, list);
    });
  }

  /** `rm`: refuses a running container unless `force` (which kills it); removes bundle, logs and state. */
  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.get(ref);
    this.cancelRestart(rec.id);
    await this.relaunching.get(rec.id);
    if (rec.status === "running" || rec.status === "paused") {
      if (!opts.force)
        throw failedPrecondition(`cannot remove container ${rec.id.slice(0, 12)}: container is running`, {
          hint: "stop the container before removing or force remove",
        });
      rec.manuallyStopped = true;
      const exited = this.wait(rec.id);
      await this.runc.kill(rec.id, "SIGKILL", { all: true }).catch(() => undefined);
      await exited;
    }
    this.exits.unwatch(rec.id);
    await this.runc.delete(rec.id, { force: true });
    await removeBundle(bundleLayout(this.opts.dataRoot, rec.id));
    await rm(conmonPaths(this.opts.runRoot, rec.id).dir, { recursive: true, force: true });
    await this.opts.images.release(rec.imageId, rec.id);
    if (rec.volumes?.length && this.opts.volumes)
      await detachVolumes(this.opts.volumes, rec.id, rec.volumes, opts.volumes ?? false);
    this.records.delete(rec.id);
    this.emitEvent("destroy", rec);
  }

  /** The container's output (see `readLogs` for the options; `isDone` is filled in for follow). */
  logs(ref: string, opts: LogReadOptions = {}): AsyncGenerator<LogEntry> {
    const rec = this.get(ref);
    return readLogs(bundleLayout(this.opts.dataRoot, rec.id).log, {
      ...opts,
      isDone:
        opts.isDone ??
        (() => {
          const now = this.records.byExactId(rec.id);
          return now === undefined || !isUp(now);
        }),
    });
  }

  /** Runs a command in a running container (runc exec) and collects its output and exit code. */
  async exec(ref: string, opts: ExecOptions & { stdin?: string | Buffer }): Promise<ExecResult> {
    return collectExec(await this.execStream(ref, opts), opts);
  }

  /** Starts a command in a running container with its stdio as streams (see spawnExec). */
  async execStream(ref: string, opts: ExecOptions): Promise<ExecProcess> {
    const rec = this.get(ref);
    // moby's words (the message already says what to do).
    if (rec.status === "paused")
      throw failedPrecondition(`Container ${rec.id} is paused, unpause the container before exec`);
    if (rec.status !== "running") throw failedPrecondition(`container ${rec.id.slice(0, 12)} is not running`);
    const rootfs = bundleLayout(this.opts.dataRoot, rec.id).rootfs;
    return spawnExec(this.runc, rec.id, rootfs, conmonPaths(this.opts.runRoot, rec.id).dir, opts);
  }

  /**
   * Connects to a running container's stdio through conmon (see connectAttach). With `start`, a
   * container that is not running is started, and attached before its process runs, so none of
   * its output is missed. Resolves with the connection and the container as attached.
   */
  async attach(
    ref: string,
    handlers: AttachHandlers,
    opts: { start?: boolean } = {},
  ): Promise<{ connection: AttachConnection; container: ContainerRecord }> {
    const rec = this.get(ref);
    const connect = () => connectAttach(bundleLayout(this.opts.dataRoot, rec.id).dir, handlers);
    if (rec.status === "running" || rec.status === "paused")
      return { connection: await connect(), container: rec };
    if (!opts.start)
      throw failedPrecondition("You cannot attach to a stopped container, start it first", {
        hint: `start it with \`tscctl start -a ${rec.name}\``,
      });
    let connection: AttachConnection | undefined;
    this.cancelRestart(rec.id);
    rec.manuallyStopped = false;
    try {
      await this.launch(rec, async () => {
        connection = await connect();
      });
    } catch (e) {
      connection?.close();
      throw e;
    }
    return { connection: connection!, container: rec };
  }

  /** `rename`: a new unique name; the ID and everything else stay. */
  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.get(ref);
    const name = this.records.claimableName(newName, rec.id);
    rec.name = name;
    rec.spec = { ...rec.spec, name };
    await this.save(rec);
    this.emitEvent("rename", rec);
  }

  /** `update`: new limits (applied at once to a running container) and restart policy (from the next exit). */
  async update(
    ref: string,
    u: Pick<ContainerSpec, "memory" | "cpus" | "pidsLimit" | "restartPolicy">,
  ): Promise<ContainerRecord> {
    const rec = this.get(ref);
    const limits = {
      ...(u.memory !== undefined ? { memory: u.memory } : {}),
      ...(u.cpus !== undefined ? { cpuQuota: u.cpus > 0 ? Math.round(u.cpus * 100_000) : -1 } : {}),
      ...(u.pidsLimit !== undefined ? { pidsLimit: u.pidsLimit } : {}),
    };
    if (Object.keys(limits).length && (rec.status === "running" || rec.status === "paused"))
      await this.runc.update(rec.id, limits);
    const defined = Object.fromEntries(Object.entries(u).filter(([, v]) => v !== undefined));
    rec.spec = { ...rec.spec, ...defined };
    if (rec.runSpec) rec.runSpec = { ...rec.runSpec, ...defined };
    await this.save(rec);
    this.emitEvent("update", rec);
    return rec;
  }

  /** `top`: the container's processes as the host's `ps` shows them (`psArgs`, default `-ef`). */
  async top(ref: string, psArgs?: readonly string[]): Promise<ProcessTable> {
    const rec = this.get(ref);
    if (rec.status !== "running" && rec.status !== "paused")
      throw failedPrecondition(`container ${rec.id.slice(0, 12)} is not running`);
    return processTable(await this.runc.ps(rec.id), psArgs);
  }

  /** Gives the container's own name `ip` in its /etc/hosts (its address on its first network). */
  async setOwnAddress(ref: string, ip: string): Promise<void> {
    await writeHostsAddress(bundleLayout(this.opts.dataRoot, this.get(ref).id), ip);
  }

  /** The bytes the container wrote to its own layer (`ps -s`'s size; its image's is apart). */
  async sizeRw(ref: string): Promise<number> {
    return diskUsage(bundleLayout(this.opts.dataRoot, this.get(ref).id).upper);
  }

  /**
   * Runs `fn` with the host path of container path `path`, running or not (`cp`; see
   * withContainerPath).
   */
  withPath<T>(ref: string, path: string, fn: (hostPath: string) => Promise<T>): Promise<T> {
    const rec = this.get(ref);
    const ctx = { ...this.opts, current: () => this.records.byExactId(rec.id) };
    return withContainerPath(rec, path, ctx, fn);
  }

  /** `diff`: what the container changed against its image. */
  async diff(ref: string): Promise<FsChange[]> {
    const rec = this.get(ref);
    const image = await this.opts.images.resolve(rec.imageId);
    return diffUpperDir(bundleLayout(this.opts.dataRoot, rec.id).upper, image.layerDirs);
  }

  /** Writes the container's changes as a layer tar (OCI whiteouts) for `commit`. */
  async exportChanges(ref: string, staging: string, tarFile: string): Promise<ContainerRecord> {
    const rec = this.get(ref);
    await tarUpperDir(bundleLayout(this.opts.dataRoot, rec.id).upper, staging, tarFile);
    return rec;
  }

  /** `stats --no-stream`: one sample of the container's resource usage. */
  async stats(ref: string): Promise<ContainerStats> {
    const rec = this.get(ref);
    return readStats(`/tsc/${rec.id}`, rec.pid);
  }

  /** Stops watching (containers keep running under conmon). */
  close(): void {
    this.exits.close();
    for (const t of this.restartTimers.values()) clearTimeout(t);
    this.restartTimers.clear();
  }

  /** Watches for the exit of container `id` (see ExitWatcher). */
  private watchExit(id: string): void {
    this.exits.watch(id, () => void this.onExit(id));
  }

  /** The container's process is gone: record the exit, clean up, and apply the restart policy. */
  private async onExit(id: string): Promise<void> {
    if (this.handling.has(id)) return;
    const rec = this.records.byExactId(id);
    if (!rec || (rec.status !== "running" && rec.status !== "paused")) return;
    this.handling.add(id);
    try {
      this.exits.unwatch(id);
      const text = await readFile(conmonPaths(this.opts.runRoot, id).exitFile, "utf8").catch(() => "255");
      const code = Number.parseInt(text.trim(), 10);
      await this.runc.delete(id, { force: true });
      await unmountRootfs(bundleLayout(this.opts.dataRoot, id)).catch(() => undefined);
      const ranFor = Date.now() - Date.parse(rec.startedAt ?? rec.created);
      const exitCode = Number.isNaN(code) ? 255 : code;
      const restart = shouldRestart({ ...rec, exitCode });
      // Before waiters hear of the exit: a `stop && run -p` must find the ports free.
      if (!restart) await this.ended(rec);
      await this.finish(rec, exitCode);
      if (restart) this.scheduleRestart(rec, restartDelay(rec.restartCount, ranFor));
    } finally {
      this.handling.delete(id);
    }
  }

  /** The container is done running (no restart by policy follows): the owner's afterExit hook. */
  private async ended(rec: ContainerRecord): Promise<void> {
    await this.opts.hooks?.afterExit?.(rec).catch(() => undefined);
  }

  private async finish(rec: ContainerRecord, code: number, error?: string): Promise<void> {
    rec.status = "exited";
    rec.exitCode = code;
    rec.pid = 0;
    rec.finishedAt = new Date().toISOString();
    if (error) rec.error = error;
    await this.save(rec);
    this.emitEvent("die", rec);
    for (const w of this.waiters.get(rec.id) ?? []) w(code);
    this.waiters.delete(rec.id);
  }

  private scheduleRestart(rec: ContainerRecord, delayMs: number): void {
    rec.status = "restarting";
    void this.save(rec);
    const timer = setTimeout(() => {
      this.restartTimers.delete(rec.id);
      if (rec.status !== "restarting") return;
      rec.restartCount++;
      const launching = this.launch(rec).catch(() => undefined);
      this.relaunching.set(rec.id, launching);
      void launching.finally(() => this.relaunching.delete(rec.id));
    }, delayMs);
    this.restartTimers.set(rec.id, timer);
  }

  private cancelRestart(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
  }

  private async save(rec: ContainerRecord): Promise<void> {
    const b: BundleLayout = bundleLayout(this.opts.dataRoot, rec.id);
    if (existsSync(b.dir)) await writeFileAtomic(b.record, JSON.stringify(rec, null, 2));
  }

  private emitEvent(action: ContainerEvent["action"], rec: ContainerRecord): void {
    const ev: ContainerEvent = {
      action,
      id: rec.id,
      name: rec.name,
      time: new Date().toISOString(),
      ...(action === "die" ? { exitCode: rec.exitCode } : {}),
    };
    this.emit("event", ev);
  }
}
