import type { Agent } from "@tsc/agent";
import { mountsOf } from "@tsc/agent";
import type { ContainerSummary } from "@tsc/api";
import type { ContainerRecord } from "@tsc/runtime";
import { isUp } from "@tsc/runtime";

/** The fields of `docker inspect`'s Mounts that a ps row keeps. */
interface InspectMount {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
}

/** One `ps` row of a container. */
export function summarize(agent: Agent, rec: ContainerRecord): ContainerSummary {
  const meta = agent.metaOf(rec.id);
  return {
    id: rec.id,
    names: [`/${rec.name}`],
    image: rec.imageRef,
    imageId: rec.imageId,
    command: rec.args,
    created: rec.created,
    state: rec.status,
    startedAt: rec.startedAt ?? "",
    finishedAt: rec.finishedAt ?? "",
    exitCode: rec.exitCode,
    health: agent.healthOf(rec.id)?.Status ?? "",
    // A container that is not up publishes nothing (its ports were freed), as `docker ps -a` shows.
    ports: (isUp(rec) ? (meta?.ports ?? []) : []).map((p) => ({
      ip: p.hostIp ?? "0.0.0.0",
      privatePort: p.containerPort,
      publicPort: p.hostPort ?? 0,
      type: p.protocol,
    })),
    labels: rec.spec.labels ?? {},
    sizeRw: 0,
    networks: (meta?.endpoints ?? []).map((e) => e.network),
    restartCount: rec.restartCount,
    sizeRootFs: 0,
    mounts: (mountsOf(rec) as unknown as InspectMount[]).map((m) => ({
      type: m.Type,
      name: m.Name ?? "",
      source: m.Source,
      destination: m.Destination,
      driver: m.Driver ?? "",
    })),
  };
}
