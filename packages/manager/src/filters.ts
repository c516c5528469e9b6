import type { NodeAttributes, PlacementConstraint } from "@tsc/core";
import { constraintMatches, parsePlacementConstraint, parseSpreadPreference } from "@tsc/core";
import type { NodeRecord, Resources, ServiceSpec } from "./objects.js";

/** What a filter sees of a node: the node and its live tasks, with their counts, reservations and ports. */
export interface NodeInfo {
  node: NodeRecord;
  /** How many live tasks it runs. */
  taskCount: number;
  /** Live tasks per service key (`project/service`). */
  perService: Map<string, number>;
  /** What its live tasks have reserved. */
  reserved: Resources;
  /** The host ports its live tasks publish (`tcp/8080`). */
  ports: Set<string>;
}

/** A node with nothing on it yet (the scheduler adds tasks with `place`). */
export function emptyNodeInfo(node: NodeRecord): NodeInfo {
  return {
    node,
    taskCount: 0,
    perService: new Map(),
    reserved: { nanoCpus: 0, memoryBytes: 0 },
    ports: new Set(),
  };
}

/** The host ports a task of `spec` publishes (`tcp/8080`). */
export function hostPorts(spec: ServiceSpec): string[] {
  return spec.ports.filter((p) => p.hostPort).map((p) => `${p.protocol}/${p.hostPort}`);
}

/** What is being placed: a task of this service. Built once per service and pass. */
export interface PlacementRequest {
  serviceKey: string;
  spec: ServiceSpec;
  constraints: PlacementConstraint[];
  /** Spread preferences as attribute keys (`node.labels.zone`), outermost first. */
  spread: string[];
}

/** A request for one task of `spec` (constraints and preferences parsed once). */
export function placementRequest(serviceKey: string, spec: ServiceSpec): PlacementRequest {
  return {
    serviceKey,
    spec,
    constraints: (spec.placement?.constraints ?? []).map(parsePlacementConstraint),
    spread: (spec.placement?.preferences ?? []).map(parseSpreadPreference),
  };
}

/** What constraints and spread preferences see of a node. */
export function attributesOf(node: NodeRecord): NodeAttributes {
  return {
    id: node.id,
    hostname: node.hostname,
    role: node.role,
    os: node.os ?? "linux",
    arch: node.arch ?? "",
    nodeLabels: node.labels,
    engineLabels: node.engineLabels ?? {},
  };
}

/**
 * A scheduling filter (after SwarmKit's): `accepts` decides for one node, `explain` says why nodes
 * were rejected, so `ps` can answer "why is my task pending". `dynamic` filters depend on what is
 * already placed, so their verdict changes as a pass places tasks.
 */
export interface Filter {
  readonly name: string;
  /** Whether the filter has anything to say about this request (skipped when not). */
  applies(req: PlacementRequest): boolean;
  /** Whether its verdict can change when a task of this request is placed. */
  dynamic(req: PlacementRequest): boolean;
  accepts(req: PlacementRequest, n: NodeInfo): boolean;
  /**
   * Whether the node could ever accept, whatever it runs and whatever its state (absent: yes).
   * When no node can, the task waits for the set of nodes to change, and `up` says so.
   */
  possible?(req: PlacementRequest, n: NodeInfo): boolean;
  explain(req: PlacementRequest, rejected: number): string;
}

const nodes = (k: number): string => `${k} node${k === 1 ? "" : "s"}`;
const always = (): boolean => true;
const never = (): boolean => false;

/** The node is up (heartbeats arrive). */
export const readyFilter: Filter = {
  name: "ready",
  applies: always,
  dynamic: never,
  accepts: (_r, n) => n.node.state === "ready",
  explain: (_r, k) => `${nodes(k)} ${k === 1 ? "is" : "are"} down`,
};

/** The node takes new tasks (not paused or drained). */
export const availabilityFilter: Filter = {
  name: "availability",
  applies: always,
  dynamic: never,
  accepts: (_r, n) => n.node.availability === "active",
  explain: (_r, k) => `${nodes(k)} ${k === 1 ? "is" : "are"} not active (paused or drained)`,
};

/** The node satisfies every placement constraint (deploy.placement.constraints). */
export const constraintFilter: Filter = {
  name: "constraints",
  applies: (r) => r.constraints.length > 0,
  dynamic: never,
  possible: (r, n) => constraintFilter.accepts(r, n),
  accepts: (r, n) => {
    const attrs = attributesOf(n.node);
    return r.constraints.every((c) => constraintMatches(c, attrs));
  },
  explain: (r, k) =>
    `placement constraints (${r.constraints.map((c) => c.text).join(", ")}) not satisfied on ${nodes(k)}`,
};

/** The node has the CPU and memory the task reserves left over (deploy.resources.reservations). */
export const resourceFilter: Filter = {
  name: "resources",
  applies: (r) =>
    !!r.spec.reservations && (r.spec.reservations.nanoCpus > 0 || r.spec.reservations.memoryBytes > 0),
  dynamic: always,
  accepts: (r, n) => fits(r.spec.reservations!, n.node.resources, n.reserved),
  possible: (r, n) => fits(r.spec.reservations!, n.node.resources, { nanoCpus: 0, memoryBytes: 0 }),
  explain: (r, k) =>
    `insufficient resources on ${nodes(k)} (each task reserves ${describe(r.spec.reservations!)})`,
};

/** The node runs fewer than deploy.placement.max_replicas_per_node tasks of the service. */
export const maxReplicasFilter: Filter = {
  name: "max-replicas",
  applies: (r) => (r.spec.placement?.maxReplicasPerNode ?? 0) > 0,
  dynamic: always,
  accepts: (r, n) => (n.perService.get(r.serviceKey) ?? 0) < r.spec.placement!.maxReplicasPerNode,
  explain: (r, k) => `max replicas per node (${r.spec.placement!.maxReplicasPerNode}) reached on ${nodes(k)}`,
};

/** Published host ports are free on the node. */
export const hostPortFilter: Filter = {
  name: "host-port",
  applies: (r) => r.spec.ports.some((p) => p.hostPort),
  dynamic: always,
  accepts: (r, n) => !hostPorts(r.spec).some((p) => n.ports.has(p)),
  explain: (_r, k) => `host-mode port already in use on ${nodes(k)}`,
};

/** Whether `want` fits in what `has` offers beyond `reserved` (a node that registered nothing takes anything). */
function fits(want: Resources, has: Resources | undefined, reserved: Resources): boolean {
  if (!has) return true;
  return (
    reserved.nanoCpus + want.nanoCpus <= has.nanoCpus &&
    reserved.memoryBytes + want.memoryBytes <= has.memoryBytes
  );
}

/** Every filter, in the order they run (cheap and static first). */
export const DEFAULT_FILTERS: Filter[] = [
  readyFilter,
  availabilityFilter,
  constraintFilter,
  resourceFilter,
  maxReplicasFilter,
  hostPortFilter,
];

/** Whether placing a task can change what `filters` say about the next task of the same request. */
export function verdictIsDynamic(req: PlacementRequest, filters: Filter[] = DEFAULT_FILTERS): boolean {
  return filters.some((f) => f.applies(req) && f.dynamic(req));
}

/** What the filters decided for one request. */
export interface FilterVerdict {
  accepted: NodeInfo[];
  /** Why no node was accepted. */
  reason?: string;
  /**
   * No node at all, up or down, could ever take it (its constraints, or reservations beyond any
   * node's size): only a change of the nodes can help.
   */
  unsatisfiable?: boolean;
}

/** Runs the filters; returns the nodes that pass, or why none did. */
export function filterNodes(
  req: PlacementRequest,
  candidates: NodeInfo[],
  filters: Filter[] = DEFAULT_FILTERS,
): FilterVerdict {
  let remaining = candidates;
  const reasons: string[] = [];
  for (const f of filters) {
    if (!f.applies(req)) continue;
    const next = remaining.filter((n) => f.accepts(req, n));
    if (next.length < remaining.length) reasons.push(f.explain(req, remaining.length - next.length));
    remaining = next;
  }
  if (remaining.length > 0) return { accepted: remaining };
  const verdict: FilterVerdict = {
    accepted: [],
    reason:
      candidates.length === 0
        ? "no suitable node (no nodes have joined)"
        : `no suitable node (${reasons.join("; ")})`,
  };
  const applicable = filters.filter((f) => f.applies(req));
  const couldEver = (n: NodeInfo): boolean => applicable.every((f) => f.possible?.(req, n) ?? true);
  if (candidates.length > 0 && !candidates.some(couldEver)) verdict.unsatisfiable = true;
  return verdict;
}

/** `0.5 CPUs and 64 MiB of memory`. */
function describe(r: Resources): string {
  const parts: string[] = [];
  if (r.nanoCpus > 0) parts.push(`${r.nanoCpus / 1e9} CPU${r.nanoCpus === 1e9 ? "" : "s"}`);
  if (r.memoryBytes > 0) parts.push(`${formatBytes(r.memoryBytes)} of memory`);
  return parts.join(" and ");
}

function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}
