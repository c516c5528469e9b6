import type { ServerDuplexStream, ServerReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import type { Agent, CreateContainerOptions } from "@tsc/agent";
import type {
  ContainerSummary,
  PruneReply,
  TopReply,
  TopRequest,
  AttachInput,
  CommitRequest,
  CreateContainerRequest,
  ExecInput,
  ExecOutput,
  KillContainerRequest,
  ListContainersRequest,
  LogLine,
  LogsRequest,
  Ref,
  RemoveContainerRequest,
  ServiceImpl,
  StatsSample,
  StopContainerRequest,
} from "@tsc/api";
import { invalidArgument } from "@tsc/core";
import type { ContainerSpec } from "@tsc/runtime";
import type { OciImageConfig } from "@tsc/runtime";
import { parseAuth } from "./auth.js";
import { pruneContainers } from "./prune.js";
import { containerFilter } from "./container-filters.js";
import { summarize } from "./container-summary.js";
import { copyFrom, copyTo } from "./copy.js";
import { attachStream, execStream } from "./interactive.js";

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw invalidArgument(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

const timeout = (t: number) => (t < 0 ? {} : { timeout: t });

/** The Containers service over the agent. */
export function containersService(agent: Agent): ServiceImpl {
  const c = agent.containers;
  /** `ps -s`: each row's writable layer, and that plus its image (Docker's "virtual" size). */
  const addSizes = async (rows: ContainerSummary[]): Promise<void> => {
    const imageSizes = new Map((await agent.images.list()).map((i) => [i.Id, i.Size]));
    await Promise.all(
      rows.map(async (row) => {
        row.sizeRw = await c.sizeRw(row.id).catch(() => 0);
        row.sizeRootFs = row.sizeRw + (imageSizes.get(row.imageId) ?? 0);
      }),
    );
  };
  return {
    async create(req: CreateContainerRequest) {
      const spec = parseJson<CreateContainerOptions>(req.specJson, "container spec");
      const rec = await agent.createContainer(
        spec,
        { credentials: parseAuth(req.registryAuth) },
        { start: req.start ?? false },
      );
      return { id: rec.id };
    },
    async start(req: Ref) {
      await c.start(req.id);
      return {};
    },
    async stop(req: StopContainerRequest) {
      await c.stop(req.id, timeout(req.timeout));
      return {};
    },
    async restart(req: StopContainerRequest) {
      await c.restart(req.id, timeout(req.timeout));
      return {};
    },
    async kill(req: KillContainerRequest) {
      await c.kill(req.id, req.signal || "SIGKILL");
      return {};
    },
    async remove(req: RemoveContainerRequest) {
      await agent.removeContainer(req.id, { force: req.force, volumes: req.volumes });
      return {};
    },
    async pause(req: Ref) {
      await c.pause(req.id);
      return {};
    },
    async unpause(req: Ref) {
      await c.unpause(req.id);
      return {};
    },
    async wait(req: Ref) {
      return { exitCode: await c.wait(req.id) };
    },
    async list(req: ListContainersRequest) {
      const all = req.all || req.filters.some((f) => f.startsWith("status=") || f.startsWith("exited="));
      const matches = containerFilter(req.filters, (ref) => summarize(agent, c.get(ref)));
      const rows = c
        .list({ all })
        .map((r) => summarize(agent, r))
        .filter(matches);
      if (req.size) await addSizes(rows);
      return { containers: rows };
    },
    async inspect(req: Ref) {
      return { json: JSON.stringify(await agent.inspect(req.id)) };
    },
    async logs(call: ServerWritableStream<LogsRequest, LogLine>) {
      const r = call.request;
      const ac = new AbortController();
      call.on("cancelled", () => ac.abort());
      const entries = c.logs(r.id, {
        follow: r.follow,
        signal: ac.signal,
        ...(r.tail >= 0 ? { tail: r.tail } : {}),
        ...(r.since ? { since: new Date(r.since) } : {}),
        ...(r.until ? { until: new Date(r.until) } : {}),
      });
      for await (const e of entries) {
        if (ac.signal.aborted) break;
        const ok = call.write({ time: e.time, stream: e.stream, line: Buffer.from(`${e.line}\n`) });
        if (!ok) await new Promise((res) => call.once("drain", res));
      }
    },
    exec: (call: ServerDuplexStream<ExecInput, ExecOutput>) => execStream(agent, call),
    attach: (call: ServerDuplexStream<AttachInput, ExecOutput>) => attachStream(agent, call),
    async prune(): Promise<PruneReply> {
      return pruneContainers(agent);
    },
    async top(req: TopRequest): Promise<TopReply> {
      const t = await c.top(req.id, req.psArgs);
      return { titles: t.Titles, processes: t.Processes.map((columns) => ({ columns })) };
    },
    async stats(call: ServerWritableStream<{ id: string; stream: boolean }, StatsSample>) {
      const ids = call.request.id ? [c.get(call.request.id).id] : c.list().map((r) => r.id);
      let cancelled = false;
      call.on("cancelled", () => (cancelled = true));
      do {
        for (const id of ids) {
          const rec = c.get(id);
          if (rec.status !== "running") continue;
          const s = await c.stats(id);
          call.write({
            id,
            name: rec.name,
            read: s.read,
            cpuUsageNs: s.cpuUsageNs,
            systemUsageNs: await systemCpuNs(),
            onlineCpus: (await import("node:os")).cpus().length,
            memoryUsage: s.memoryUsage,
            memoryLimit: s.memoryLimit,
            pids: s.pids,
            rxBytes: s.network.rxBytes,
            txBytes: s.network.txBytes,
            blockRead: s.blockIo.readBytes,
            blockWrite: s.blockIo.writeBytes,
          });
        }
        if (call.request.stream) await new Promise((res) => setTimeout(res, 1000));
      } while (call.request.stream && !cancelled);
    },
    async diff(req: Ref) {
      const changes = await c.diff(req.id);
      return { changes: changes.map((ch) => ({ kind: ch.Kind, path: ch.Path })) };
    },
    async commit(req: CommitRequest) {
      const rec = c.get(req.container);
      const dir = await agent.images.tempDir();
      try {
        if (req.pause && rec.status === "running") await c.pause(rec.id);
        try {
          await c.exportChanges(rec.id, `${dir}/staging`, `${dir}/layer.tar`);
        } finally {
          if (req.pause && rec.status === "paused") await c.unpause(rec.id);
        }
        const id = await agent.images.commit(rec.imageId, `${dir}/layer.tar`, {
          ...(req.reference ? { ref: req.reference } : {}),
          config: withSpec(rec.imageConfig, rec.spec),
          changes: req.changes,
          comment: req.comment,
          author: req.author,
        });
        agent.events.publish("container", "commit", rec.id, { name: rec.name });
        return { id };
      } finally {
        await agent.images.dropTemp(dir);
      }
    },
    async rename(req: { id: string; newName: string }) {
      await c.rename(req.id, req.newName);
      return {};
    },
    copyFrom: (call: ServerWritableStream<{ id: string; path: string }, { data: Buffer }>) =>
      copyFrom(agent, call),
    copyTo: (
      call: ServerReadableStream<{ data: Buffer; id: string; path: string; entry: string }, unknown>,
    ) => copyTo(agent, call),
    async update(req: { id: string; updateJson: string }) {
      const u = parseJson<Pick<ContainerSpec, "memory" | "cpus" | "pidsLimit" | "restartPolicy">>(
        req.updateJson,
        "update",
      );
      await c.update(req.id, u);
      return {};
    },
  };
}

/** The container's own settings that a commit keeps in the image config (as docker commit does). */
function withSpec(base: OciImageConfig, spec: ContainerSpec): OciImageConfig {
  return {
    ...base,
    ...(spec.env ? { Env: [...(base.Env ?? []), ...spec.env] } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    ...(spec.labels ? { Labels: { ...(base.Labels ?? {}), ...spec.labels } } : {}),
  };
}

async function systemCpuNs(): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const line = (await readFile("/proc/stat", "utf8")).split("\n")[0] ?? "";
  const ticks = line
    .split(/\s+/)
    .slice(1, 8)
    .reduce((a, b) => a + (Number(b) || 0), 0);
  return ticks * 10_000_000;
}
