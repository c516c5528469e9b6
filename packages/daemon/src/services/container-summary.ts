import type { Agent } from "@tsc/agent";
import { groupFilters } from "@tsc/core";
import type { ContainerSummary } from "@tsc/api";
import type { ContainerRecord } from "@tsc/runtime";

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
    ports: (meta?.ports ?? []).map((p) => ({
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
  };
}

/** Docker's `ps --filter` keys: status, name, id, label, ancestor, exited, network. */
export function matchesContainerFilters(s: ContainerSummary, filters: string[]): boolean {
  for (const [key, values] of groupFilters(filters)) {
    const ok = values.some((v) => {
      switch (key) {
        case "status":
          return s.state === v;
        case "name":
          return s.names.some((n) => n.slice(1).includes(v.replace(/^\//, "")));
        case "id":
          return s.id.startsWith(v);
        case "label": {
          const [lk, lv] = v.split("=", 2) as [string, string | undefined];
          return lk in s.labels && (lv === undefined || s.labels[lk] === lv);
        }
        case "ancestor":
          return s.image === v || s.imageId.includes(v) || s.image.startsWith(`${v}:`);
        case "exited":
          return s.state === "exited" && String(s.exitCode) === v;
        case "network":
          return s.networks.includes(v);
        case "health":
          return s.health === v;
        default:
          return false;
      }
    });
    if (!ok) return false;
  }
  return true;
}
