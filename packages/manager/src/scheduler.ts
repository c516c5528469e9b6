import { Component, followChanges } from "./component.js";
import type { FilterVerdict, NodeInfo, PlacementRequest } from "./filters.js";
import { nodeAttribute } from "@tsc/core";
import {
  attributesOf,
  emptyNodeInfo,
  filterNodes,
  hostPorts,
  placementRequest,
  verdictIsDynamic,
} from "./filters.js";
import type { NodeRecord, ServiceSpec, Task } from "./objects.js";
import type { ClusterState } from "./state.js";
import { SpreadQueue } from "./spread-queue.js";
import { serviceId, updateMany } from "./state.js";
import { TaskIndex } from "./task-index.js";
import { isTerminal } from "./task-state.js";

/**
 * The scheduler: places PENDING tasks on nodes that pass every filter, spreading each service
 * over the values of its spread preferences' labels, then across nodes (fewest tasks of the
 * service first, then fewest tasks overall, then node ID). A task
 * no node accepts stays PENDING with the filters' explanation in `unschedulable`. Placement
 * decisions of one pass are written as a batch. Reads the cluster state's in-memory copies.
 */
export class Scheduler extends Component {
  constructor(
    private readonly state: ClusterState,
    log: (line: string) => void,
  ) {
    super("scheduler", log, 20);
    this.pendingIndex = new TaskIndex(state.cache.tasks, (t) =>
      t.status.state === "pending" && t.desiredState === "running" ? "pending" : undefined,
    );
  }

  /** Tasks waiting for a node. */
  private readonly pendingIndex: TaskIndex;

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    return [followChanges([this.state.cache.tasks, this.state.cache.nodes], signal, trigger)];
  }

  protected async reconcile(): Promise<void> {
    await this.state.ready();
    this.pendingIndex.update();
    const { cache } = this.state;
    const pending = this.pendingIndex.group("pending").flatMap((t) => cache.tasks.get(t.id) ?? []);
    if (pending.length === 0) return;
    const services = new Map(this.state.cache.services.values().map((v) => [v.id, v.value.spec] as const));
    const candidates = new Map<string, NodeInfo>(
      this.state.cache.nodes.values().map((v) => [v.id, emptyNodeInfo(v.value)] as const),
    );
    const place = placer(services);
    for (const { value: t } of cache.tasks.values()) {
      const c = t.nodeId ? candidates.get(t.nodeId) : undefined;
      if (c && !isTerminal(t.status.state)) place(c, t, serviceId(t.project, t.service));
    }
    const all = [...candidates.values()];
    // One request per service; filter verdicts reused while placing cannot change them.
    const requests = new Map<string, { req?: PlacementRequest; reason?: string; dynamic: boolean }>();
    const verdicts = new Map<string, FilterVerdict>();
    // With a fixed set of accepted nodes and no spread preferences: a queue by load per service.
    const queues = new Map<string, SpreadQueue>();
    const decisions = new Map<string, { node?: NodeRecord; verdict?: FilterVerdict }>();
    pending.sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
    for (const { value: t } of pending) {
      const key = serviceId(t.project, t.service);
      const spec = services.get(key);
      if (!spec) continue;
      let r = requests.get(key);
      if (!r) {
        r = request(key, spec);
        requests.set(key, r);
      }
      let verdict = r.dynamic ? undefined : verdicts.get(key);
      if (!verdict) {
        verdict = r.req ? filterNodes(r.req, all) : { accepted: [], reason: r.reason };
        if (!r.dynamic) verdicts.set(key, verdict);
      }
      if (verdict.accepted.length === 0) {
        if (t.unschedulable !== verdict.reason || !t.unsatisfiable !== !verdict.unsatisfiable)
          decisions.set(t.id, { verdict });
        continue;
      }
      const spread = r.req?.spread ?? [];
      let queue = queues.get(key);
      if (!queue && !r.dynamic && spread.length === 0) {
        queue = new SpreadQueue(verdict.accepted, key);
        queues.set(key, queue);
      }
      const chosen = queue ? queue.take() : chooseNode(verdict.accepted, key, spread);
      place(chosen, { ...t, nodeId: chosen.node.id }, key);
      queue?.requeue();
      decisions.set(t.id, { node: chosen.node });
    }
    const revision = await updateMany(
      this.state.store,
      this.state.tasks,
      pending.filter((v) => decisions.has(v.id)),
      (cur) => {
        const d = decisions.get(cur.id)!;
        if (cur.status.state !== "pending") return undefined;
        if (!d.node) {
          const { unsatisfiable: _s, ...waiting } = cur;
          return {
            ...waiting,
            unschedulable: d.verdict?.reason,
            ...(d.verdict?.unsatisfiable && { unsatisfiable: true }),
          };
        }
        const { unschedulable: _u, unsatisfiable: _s, ...rest } = cur;
        return {
          ...rest,
          nodeId: d.node.id,
          status: {
            ...cur.status,
            state: "assigned" as const,
            timestamp: new Date().toISOString(),
            message: `assigned to ${d.node.hostname}`,
          },
        };
      },
    );
    await this.state.cache.tasks.waitFor(revision);
  }
}

/** The placement request of a service, or why it cannot have one (a constraint the spec's checks missed). */
function request(
  key: string,
  spec: ServiceSpec,
): { req?: PlacementRequest; reason?: string; dynamic: boolean } {
  try {
    const req = placementRequest(key, spec);
    return { req, dynamic: verdictIsDynamic(req) };
  } catch (e) {
    return { reason: `invalid placement: ${(e as Error).message}`, dynamic: false };
  }
}

/**
 * Counts task `t` (of service `key`) on node `n`: its slot for the service, its reservations and
 * its host ports (each service's computed once per pass).
 */
function placer(services: Map<string, ServiceSpec>): (n: NodeInfo, t: Task, key: string) => void {
  const portsOf = new Map<string, string[]>();
  return (n, t, key) => {
    const spec = services.get(key);
    n.tasks.push(t);
    n.perService.set(key, (n.perService.get(key) ?? 0) + 1);
    if (!spec) return;
    if (spec.reservations) {
      n.reserved.nanoCpus += spec.reservations.nanoCpus;
      n.reserved.memoryBytes += spec.reservations.memoryBytes;
    }
    let ports = portsOf.get(key);
    if (!ports) portsOf.set(key, (ports = hostPorts(spec)));
    for (const p of ports) n.ports.add(p);
  };
}

/**
 * The node for the next task of service `key`: with spread preferences, first the group of nodes
 * (by the preference's label value; nodes without the label form a group of their own) that runs
 * the fewest of the service's tasks, ties to the lower value, level by level; then leastLoaded.
 */
function chooseNode(nodes: NodeInfo[], key: string, spread: string[]): NodeInfo {
  const [label, ...rest] = spread;
  if (label === undefined || nodes.length === 1) return leastLoaded(nodes, key);
  const groups = new Map<string, NodeInfo[]>();
  for (const n of nodes) {
    const value = nodeAttribute(label, attributesOf(n.node)) ?? "";
    const group = groups.get(value);
    if (group) group.push(n);
    else groups.set(value, [n]);
  }
  let best: { value: string; nodes: NodeInfo[]; tasks: number } | undefined;
  for (const [value, members] of groups) {
    const tasks = members.reduce((sum, n) => sum + (n.perService.get(key) ?? 0), 0);
    if (!best || tasks < best.tasks || (tasks === best.tasks && value < best.value))
      best = { value, nodes: members, tasks };
  }
  return chooseNode(best!.nodes, key, rest);
}

/** The spread choice: fewest tasks of the service, then fewest tasks, then the lowest node ID. */
function leastLoaded(nodes: NodeInfo[], serviceKey: string): NodeInfo {
  let best = nodes[0]!;
  let bestService = best.perService.get(serviceKey) ?? 0;
  for (const n of nodes) {
    const mine = n.perService.get(serviceKey) ?? 0;
    if (
      mine < bestService ||
      (mine === bestService &&
        (n.tasks.length < best.tasks.length ||
          (n.tasks.length === best.tasks.length && n.node.id < best.node.id)))
    ) {
      best = n;
      bestService = mine;
    }
  }
  return best;
}
