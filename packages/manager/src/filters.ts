import type { NodeRecord, ServiceSpec, Task } from "./objects.js";

/** What a filter sees of a node: the node and the tasks it already runs. */
export interface NodeInfo {
  node: NodeRecord;
  tasks: Task[];
}

/**
 * A scheduling filter (after SwarmKit's): `accepts` decides for one node, `explain` says why nodes
 * were rejected, so `ps` can answer "why is my task pending".
 */
export interface Filter {
  readonly name: string;
  accepts(spec: ServiceSpec, n: NodeInfo): boolean;
  explain(rejected: number): string;
}

/** The node is up (heartbeats arrive). */
export const readyFilter: Filter = {
  name: "ready",
  accepts: (_s, n) => n.node.state === "ready",
  explain: (k) => `${k} node${k === 1 ? " is" : "s are"} down`,
};

/** The node takes new tasks (not paused or drained). */
export const availabilityFilter: Filter = {
  name: "availability",
  accepts: (_s, n) => n.node.availability === "active",
  explain: (k) => `${k} node${k === 1 ? " is" : "s are"} not active (paused or drained)`,
};

/** Published host ports are free on the node. */
export const hostPortFilter: Filter = {
  name: "host-port",
  accepts: (spec, n) => {
    const wanted = spec.ports.filter((p) => p.hostPort).map((p) => `${p.protocol}/${p.hostPort}`);
    if (wanted.length === 0) return true;
    const used = new Set(n.tasks.flatMap((t) => (t as Task & { ports?: string[] }).ports ?? []));
    return !wanted.some((w) => used.has(w));
  },
  explain: (k) => `host-mode port already in use on ${k} node${k === 1 ? "" : "s"}`,
};

/** The node's labels and hostname satisfy nothing more (placement constraints are not honoured yet). */
export const DEFAULT_FILTERS: Filter[] = [readyFilter, availabilityFilter, hostPortFilter];

/** Runs the filters; returns the nodes that pass, or why none did. */
export function filterNodes(
  spec: ServiceSpec,
  nodes: NodeInfo[],
  filters: Filter[] = DEFAULT_FILTERS,
): { accepted: NodeInfo[]; reason?: string } {
  let remaining = nodes;
  const reasons: string[] = [];
  for (const f of filters) {
    const next = remaining.filter((n) => f.accepts(spec, n));
    if (next.length < remaining.length) reasons.push(f.explain(remaining.length - next.length));
    remaining = next;
  }
  if (remaining.length > 0) return { accepted: remaining };
  return {
    accepted: [],
    reason:
      nodes.length === 0
        ? "no suitable node (no nodes have joined)"
        : `no suitable node (${reasons.join("; ")})`,
  };
}
