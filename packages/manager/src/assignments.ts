import type { WorkItem } from "@tsc/agent";
import type { NetworkAllocation, ServiceSpec, Task } from "./objects.js";
import { serviceId } from "./state.js";

/**
 * A task as its node receives it: concrete container work (Compose's labels, name and network
 * aliases applied), so agents need no knowledge of services.
 */
export function workItemOf(t: Task, spec: ServiceSpec, nets: NetworkAllocation[]): WorkItem {
  const name = containerNameOf(t, spec);
  return {
    taskId: t.id,
    desired: t.desiredState,
    state: t.status.state,
    ...(t.stopTimeout !== undefined && { stopTimeout: t.stopTimeout }),
    ...(t.restartToken !== undefined && { restartToken: t.restartToken }),
    ...(t.keepContainer && { keepContainer: true }),
    ...(t.adopts !== undefined && { adopts: t.adopts }),
    containerName: name,
    container: {
      ...spec.container,
      labels: {
        ...spec.container.labels,
        "com.docker.compose.project": t.project,
        "com.docker.compose.service": t.service,
        "com.docker.compose.container-number": String(t.slot),
        "com.docker.compose.config-hash": spec.configHash,
        "com.docker.compose.oneoff": "False",
      },
      ports: spec.ports,
      ...(spec.healthcheck ? { healthcheck: spec.healthcheck } : {}),
    },
    networks: spec.networks.flatMap((n) => {
      const a = nets.find((x) => x.project === t.project && x.key === n.key);
      if (!a) return [];
      const address = t.addresses[n.key];
      return [
        {
          name: a.name,
          subnet: a.subnet,
          gateway: a.gateway,
          internal: a.internal,
          ...(address ? { address } : {}),
          aliases: [...new Set([t.service, name, ...n.aliases])],
        },
      ];
    }),
  };
}

/** Discovery records: per network name, its project and a name → addresses map. */
export type DiscoveryRecords = Record<string, { project: string; names: Record<string, string[]> }>;

/** A task's container name: `container_name`, else Compose's `<project>-<service>-<slot>`. */
export function containerNameOf(t: Task, spec: ServiceSpec): string {
  return spec.containerName ?? `${t.project}-${t.service}-${t.slot}`;
}

/**
 * The records the embedded DNS answers from: on each network, every service name,
 * `<service>.<project>` and `tasks.<service>` resolve to the addresses of its running tasks, each
 * container name and network alias to its own task's address. Order: by slot.
 */
export function discoveryRecords(
  tasks: Task[],
  specs: Map<string, ServiceSpec>,
  networks: Map<string, NetworkAllocation>,
): DiscoveryRecords {
  const out: DiscoveryRecords = {};
  const add = (net: NetworkAllocation, name: string, ip: string): void => {
    const recs = (out[net.name] ??= { project: net.project, names: {} }).names;
    const list = (recs[name.toLowerCase()] ??= []);
    if (!list.includes(ip)) list.push(ip);
  };
  const allocOf = new Map([...networks.values()].map((a) => [`${a.project}/${a.key}`, a] as const));
  const running = tasks.filter((t) => t.status.state === "running" && t.desiredState === "running");
  for (const t of running.sort((a, b) => a.slot - b.slot)) {
    const spec = specs.get(serviceId(t.project, t.service));
    if (!spec) continue;
    for (const n of spec.networks) {
      const ip = t.addresses[n.key];
      const alloc = allocOf.get(`${t.project}/${n.key}`);
      if (!ip || !alloc) continue;
      for (const name of [
        t.service,
        `${t.service}.${t.project}`,
        `tasks.${t.service}`,
        containerNameOf(t, spec),
        ...n.aliases,
      ])
        add(alloc, name, ip);
    }
  }
  return out;
}
