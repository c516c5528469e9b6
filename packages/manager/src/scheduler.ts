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
import type { NodeRecord, ServiceSpec } from "./objects.js";
import type { ClusterState } from "./state.js";
import { leastLoaded, SpreadQueue } from "./spread-queue.js";
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
    // Services too: a pending task whose service's spec had not reached this copy yet (the copies
    // follow separate watches) is skipped, and placed when the spec arrives.
    const { cache } = this.state;
    return [followChanges([cache.tasks, cache.nodes, cache.services], signal, trigger)];
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
      if (c && !isTerminal(t.status.state)) place(c, serviceId(t.project, t.service));
    }
    const all = [...candidates.values()];
    const perService = new Map<string, ServicePass>();
    const decisions = new Map<string, { node?: NodeRecord; verdict?: FilterVerdict }>();
    pending.sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
    for (const { value: t } of pending) {
      const key = serviceId(t.project, t.service);
      const spec = services.get(key);
      if (!spec) continue;
      let s = perService.get(key);
      if (!s) perService.set(key, (s = servicePass(key, spec, all)));
      const verdict = s.verdict ?? filterNodes(s.req!, all);
      if (verdict.accepted.length === 0) {
        if (t.unschedulable !== verdict.reason || !t.unsatisfiable !== !verdict.unsatisfiable)
          decisions.set(t.id, { verdict });
        continue;
      }
      // A task that starts a kept container again goes back to that container's node if it can.
      const home = t.adopts ? cache.tasks.get(t.adopts)?.value.nodeId : undefined;
      const back = home === undefined ? undefined : verdict.accepted.find((n) => n.node.id === home);
      const chosen =
        back ?? (s.queue ? s.queue.take() : chooseNode(verdict.accepted, key, s.req?.spread ?? []));
      place(chosen, key);
      // (The queue refreshes a node whose load grew outside it when that node comes up.)
      if (!back) s.queue?.requeue();
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

/** What one pass knows about a service's placement. */
interface ServicePass {
  /** Its request (absent when its placement cannot be parsed). */
  req?: PlacementRequest;
  /** The filters' verdict, when placing its tasks cannot change it (else computed per task). */
  verdict?: FilterVerdict;
  /** With a fixed verdict and no spread preferences: its accepted nodes by load. */
  queue?: SpreadQueue;
}

function servicePass(key: string, spec: ServiceSpec, nodes: NodeInfo[]): ServicePass {
  let req: PlacementRequest;
  try {
    req = placementRequest(key, spec);
  } catch (e) {
    // A constraint the compose loader's check missed (a spec stored by another client).
    return { verdict: { accepted: [], reason: `invalid placement: ${(e as Error).message}` } };
  }
  if (verdictIsDynamic(req)) return { req };
  const verdict = filterNodes(req, nodes);
  const queue =
    req.spread.length === 0 && verdict.accepted.length > 0
      ? new SpreadQueue(verdict.accepted, key)
      : undefined;
  return { req, verdict, ...(queue && { queue }) };
}

/**
 * Counts a task of service `key` on node `n`: one more task, its slot for the service, its
 * reservations and its host ports (each service's computed once per pass).
 */
function placer(services: Map<string, ServiceSpec>): (n: NodeInfo, key: string) => void {
  const portsOf = new Map<string, string[]>();
  return (n, key) => {
    const spec = services.get(key);
    n.taskCount++;
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
