import { EventEmitter } from "node:events";
import { failedPrecondition, notFound } from "@tsc/core";
import type { LogEntry, LogReadOptions } from "../container/logs.js";
import { newContainerId } from "../container/names.js";
import { restartDelay, shouldRestart } from "../container/restart.js";
import { parseSignal } from "../container/signals.js";
import type { ContainerRuntime, ExecResult, StartOptions } from "../container/runtime.js";
import { processArgs } from "../container/spec.js";
import { ContainerTable } from "../container/table.js";
import type { ContainerRecord, ContainerSpec } from "../container/types.js";
import type { OciImageConfig } from "../image/oci.js";
import { FakeProcess } from "./fake-process.js";

interface FakeContainer {
  rec: ContainerRecord;
  logs: LogEntry[];
  proc?: FakeProcess;
  waiters: ((code: number) => void)[];
  restartTimer?: NodeJS.Timeout;
}

/**
 * An in-memory `ContainerRuntime` for unit tests of the parts above the runtime (agent, daemon,
 * scheduler): same states, errors, restart policies and logs as the real one, with scripted
 * processes (see FakeProcess). It runs nothing; the product never uses it.
 */
export class FakeContainerRuntime extends EventEmitter implements ContainerRuntime {
  private readonly containers = new ContainerTable<FakeContainer>((c) => c.rec);

  /** `images` maps the references it knows to their config (default: `busybox` with CMD sh). */
  constructor(private readonly images: Record<string, OciImageConfig> = { busybox: { Cmd: ["sh"] } }) {
    super();
  }

  async create(spec: ContainerSpec): Promise<ContainerRecord> {
    const name = this.containers.claimableName(spec.name ?? this.containers.freeName());
    const image = this.images[spec.image.replace(/:latest$/, "")];
    if (!image) throw notFound("image", spec.image);
    const rec: ContainerRecord = {
      id: newContainerId(),
      name,
      spec,
      imageId: `sha256:${"0".repeat(64)}`,
      imageRef: spec.image,
      imageConfig: image,
      created: new Date().toISOString(),
      status: "created",
      pid: 0,
      exitCode: 0,
      restartCount: 0,
      manuallyStopped: false,
      args: processArgs(spec, image),
    };
    this.containers.set(rec.id, { rec, logs: [], waiters: [] });
    this.emit("event", { action: "create", id: rec.id, name, time: rec.created });
    return rec;
  }

  async start(ref: string, opts: StartOptions = {}): Promise<ContainerRecord> {
    const c = this.find(ref);
    if (c.rec.status === "running") return c.rec;
    if (c.restartTimer) clearTimeout(c.restartTimer);
    c.rec.manuallyStopped = false;
    await opts.beforeStart?.();
    this.launch(c);
    return c.rec;
  }

  private launch(c: FakeContainer): void {
    const time = () => new Date().toISOString();
    const proc = new FakeProcess(c.rec.args, (o) =>
      c.logs.push({ time: time(), stream: o.stream, line: o.line }),
    );
    c.proc = proc;
    c.rec.status = "running";
    c.rec.pid = 1000 + Math.floor(Math.random() * 30000);
    c.rec.startedAt = time();
    this.emit("event", { action: "start", id: c.rec.id, name: c.rec.name, time: time() });
    void proc.exited.then((code) => {
      if (c.proc !== proc) return;
      c.proc = undefined;
      c.rec.status = "exited";
      c.rec.exitCode = code;
      c.rec.pid = 0;
      c.rec.finishedAt = time();
      this.emit("event", { action: "die", id: c.rec.id, name: c.rec.name, time: time(), exitCode: code });
      for (const w of c.waiters.splice(0)) w(code);
      if (this.containers.byExactId(c.rec.id) !== undefined && shouldRestart(c.rec)) {
        c.rec.status = "restarting";
        c.restartTimer = setTimeout(
          () => {
            if (c.rec.status !== "restarting") return;
            c.rec.restartCount++;
            this.launch(c);
          },
          restartDelay(c.rec.restartCount, Date.now() - Date.parse(c.rec.startedAt ?? c.rec.created)),
        );
      }
    });
  }

  async stop(ref: string, opts: { timeout?: number } = {}): Promise<ContainerRecord> {
    const c = this.find(ref);
    c.rec.manuallyStopped = true;
    if (c.restartTimer) clearTimeout(c.restartTimer);
    if (c.rec.status === "restarting") c.rec.status = "exited";
    if (!c.proc) return c.rec;
    const proc = c.proc;
    const grace = setTimeout(
      () => proc.signal("SIGKILL"),
      (opts.timeout ?? c.rec.spec.stopTimeout ?? 10) * 1000,
    );
    proc.signal(c.rec.spec.stopSignal ?? c.rec.imageConfig.StopSignal ?? "SIGTERM");
    await this.wait(c.rec.id);
    clearTimeout(grace);
    return c.rec;
  }

  async kill(ref: string, signal = "SIGKILL"): Promise<void> {
    const c = this.find(ref);
    const sig = parseSignal(signal);
    if (!c.proc) throw failedPrecondition(`container ${c.rec.id.slice(0, 12)} is not running`);
    c.proc.signal(sig);
  }

  wait(ref: string): Promise<number> {
    const c = this.find(ref);
    if (!c.proc) return Promise.resolve(c.rec.exitCode);
    return new Promise((resolve) => c.waiters.push(resolve));
  }

  async remove(ref: string, opts: { force?: boolean } = {}): Promise<void> {
    const c = this.find(ref);
    if (c.proc) {
      if (!opts.force)
        throw failedPrecondition(`cannot remove container ${c.rec.id.slice(0, 12)}: container is running`, {
          hint: "stop the container before removing or force remove",
        });
      c.rec.manuallyStopped = true;
      c.proc.signal("SIGKILL");
      await this.wait(c.rec.id);
    }
    if (c.restartTimer) clearTimeout(c.restartTimer);
    this.containers.delete(c.rec.id);
    this.emit("event", { action: "destroy", id: c.rec.id, name: c.rec.name, time: new Date().toISOString() });
  }

  get(ref: string): ContainerRecord {
    return this.find(ref).rec;
  }

  checkName(name: string): string {
    return this.containers.claimableName(name);
  }

  list(opts: { all?: boolean } = {}): ContainerRecord[] {
    return this.containers.list(opts);
  }

  async *logs(ref: string, opts: LogReadOptions = {}): AsyncGenerator<LogEntry> {
    const c = this.find(ref);
    const keep = (e: LogEntry) => !opts.streams || opts.streams.includes(e.stream);
    let sent = 0;
    let first = c.logs.filter(keep);
    if (opts.tail !== undefined) first = first.slice(-opts.tail);
    yield* first;
    sent = c.logs.length;
    while (opts.follow && !opts.signal?.aborted) {
      if (sent < c.logs.length) {
        yield* c.logs.slice(sent).filter(keep);
        sent = c.logs.length;
      } else if (!c.proc) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async exec(ref: string, opts: { args: string[]; stdin?: string | Buffer }): Promise<ExecResult> {
    const c = this.find(ref);
    if (!c.proc) throw failedPrecondition(`container ${c.rec.id.slice(0, 12)} is not running`);
    const out: string[] = [];
    const err: string[] = [];
    const proc = new FakeProcess(
      opts.args,
      (o) => (o.stream === "stdout" ? out : err).push(`${o.line}\n`),
      String(opts.stdin ?? ""),
    );
    return { exitCode: await proc.exited, stdout: out.join(""), stderr: err.join("") };
  }

  close(): void {
    for (const c of this.containers.values()) if (c.restartTimer) clearTimeout(c.restartTimer);
  }

  private find(ref: string): FakeContainer {
    return this.containers.get(ref);
  }
}
