import { readFile } from "node:fs/promises";
import os from "node:os";
import type { ServerWritableStream } from "@grpc/grpc-js";
import type { Agent, EngineEvent } from "@tsc/agent";
import { matchesFilters } from "@tsc/agent";
import type { EventMessage, EventsRequest, ServiceImpl } from "@tsc/api";
import { parseTimeArg } from "@tsc/api";
import { diskUsage } from "@tsc/runtime";
import { pruneContainers, pruneImages, pruneNetworks, pruneVolumes } from "./prune.js";
import { run } from "./run-version.js";

/** The daemon's own version (from its package.json). */
export async function daemonVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/**
 * `info`'s container counts as moby's state counter keeps them: running (a restarting container
 * too: moby's state keeps Running set while it restarts), paused, and every other state (created,
 * exited, dead …) stopped, so the three always add up to the total.
 */
export function containerCounts(statuses: readonly string[]): {
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
} {
  const running = statuses.filter((s) => s === "running" || s === "restarting").length;
  const paused = statuses.filter((s) => s === "paused").length;
  return {
    Containers: statuses.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: statuses.length - running - paused,
  };
}

/** The System service: version, info, df, prune and the event stream. */
export function systemService(
  agent: Agent,
  info: { dataRoot: string; hosts: string[]; labels?: Record<string, string> },
): ServiceImpl {
  return {
    async ping() {
      return {};
    },
    async version() {
      const v = await daemonVersion();
      return {
        json: JSON.stringify({
          Version: v,
          ApiVersion: "tsc.v1",
          Os: "linux",
          Arch: process.arch === "x64" ? "amd64" : process.arch,
          KernelVersion: os.release(),
          NodeVersion: process.version,
          Components: [
            { Name: "tscd", Version: v },
            { Name: "runc", Version: await run("runc", ["--version"]) },
            { Name: "conmon", Version: await run("conmon", ["--version"]) },
          ],
        }),
      };
    },
    async info() {
      const all = agent.containers.list({ all: true });
      return {
        json: JSON.stringify({
          ...containerCounts(all.map((c) => c.status)),
          Images: (await agent.images.list()).length,
          Driver: "overlay",
          DockerRootDir: info.dataRoot,
          Hosts: info.hosts,
          KernelVersion: os.release(),
          OperatingSystem: await osName(),
          NCPU: os.cpus().length,
          MemTotal: os.totalmem(),
          Name: os.hostname(),
          Labels: Object.entries(info.labels ?? {}).map(([k, v]) => `${k}=${v}`),
          ServerVersion: await daemonVersion(),
          Runtimes: { runc: { path: "runc" } },
          DefaultRuntime: "runc",
          CgroupVersion: "1",
          LiveRestoreEnabled: true,
        }),
      };
    },
    async df() {
      const images = await agent.images.list();
      const volumes = await agent.volumes.list();
      const containers = agent.containers.list({ all: true });
      return {
        json: JSON.stringify({
          Images: images.map((i) => ({
            Id: i.Id,
            RepoTags: i.RepoTags,
            Size: i.Size,
            Containers: containers.filter((c) => c.imageId === i.Id).length,
          })),
          Containers: await Promise.all(
            containers.map(async (c) => ({
              Id: c.id,
              Names: [`/${c.name}`],
              State: c.status,
              SizeRw: await agent.containers.sizeRw(c.id).catch(() => 0),
            })),
          ),
          Volumes: await Promise.all(
            volumes.map(async (v) => ({
              Name: v.Name,
              UsedBy: v.UsedBy.length,
              Size: await diskUsage(v.Mountpoint),
            })),
          ),
        }),
      };
    },
    async prune(req: { all: boolean; volumes: boolean }) {
      const containers = await pruneContainers(agent);
      const networks = await pruneNetworks(agent);
      const volumes = req.volumes ? await pruneVolumes(agent, false) : { deleted: [], spaceReclaimed: 0 };
      const images = await pruneImages(agent, req.all);
      return {
        json: JSON.stringify({
          ContainersDeleted: containers.deleted,
          NetworksDeleted: networks,
          VolumesDeleted: volumes.deleted,
          ImagesDeleted: images.deleted,
          SpaceReclaimed: containers.spaceReclaimed + volumes.spaceReclaimed + images.spaceReclaimed,
        }),
      };
    },
    async events(call: ServerWritableStream<EventsRequest, EventMessage>) {
      const { since, until, filters } = call.request;
      const untilMs = until ? parseTimeArg(until) : undefined;
      const send = (e: EngineEvent): void => {
        if (matchesFilters(e, filters)) call.write(e);
      };
      if (since)
        for (const e of agent.events.since(parseTimeArg(since)))
          if (untilMs === undefined || e.timeNano / 1e6 <= untilMs) send(e);
      if (untilMs !== undefined && untilMs <= Date.now()) return;
      await new Promise<void>((resolve) => {
        const timer = untilMs !== undefined ? setTimeout(done, untilMs - Date.now()) : undefined;
        function done(): void {
          if (timer) clearTimeout(timer);
          agent.events.off("event", send);
          resolve();
        }
        agent.events.on("event", send);
        call.on("cancelled", done);
        call.on("close", done);
      });
    },
  };
}

async function osName(): Promise<string> {
  const text = await readFile("/etc/os-release", "utf8").catch(() => "");
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? "Linux";
}
