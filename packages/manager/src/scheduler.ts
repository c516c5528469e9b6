import { Component, followChanges } from "./component.js";
import type { NodeInfo } from "./filters.js";
import { filterNodes } from "./filters.js";
import type { NodeRecord, ServiceSpec, Task } from "./objects.js";
import type { ClusterState } from "./state.js";
import { serviceId, updateMany } from "./state.js";
import { TaskIndex } from "./task-index.js";
import { isTerminal } from "./task-state.js";

/** A node as one pass sees it: the filters' view plus task counts kept as tasks are placed. */
interface Candidate extends NodeInfo {
  perService: Map<string, number>;
}

/** Whether placing a task of `spec` can change what the filters say (host ports can collide). */
const placementChangesFilters = (spec: ServiceSpec): boolean => spec.ports.some((p) => p.hostPort);

/**
 * The scheduler: places PENDING tasks on nodes that pass every filter, spreading each service
 * across nodes (fewest tasks of the service first, then fewest tasks overall, then node ID). A task
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
    const listed = cache.tasks.values();
    const services = new Map(this.state.cache.services.values().map((v) => [v.id, v.value.spec] as const));
    const candidates = new Map<string, Candidate>(
      this.state.cache.nodes
        .values()
        .map((v) => [v.id, { node: v.value, tasks: [], perService: new Map() }] as const),
    );
    for (const { value: t } of listed) {
      const c = t.nodeId ? candidates.get(t.nodeId) : undefined;
      if (!c || isTerminal(t.status.state)) continue;
      c.tasks.push(t);
      const key = serviceId(t.project, t.service);
      c.perService.set(key, (c.perService.get(key) ?? 0) + 1);
    }
    const all = [...candidates.values()];
    // Filter verdicts per service, reused while placing cannot change them.
    const verdicts = new Map<string, { accepted: NodeInfo[]; reason?: string }>();
    const decisions = new Map<string, { node?: NodeRecord; reason?: string }>();
    pending.sort((a, b) => a.value.createdAt.localeCompare(b.value.createdAt));
    for (const { value: t } of pending) {
      const key = serviceId(t.project, t.service);
      const spec = services.get(key);
      if (!spec) continue;
      const reuse = !placementChangesFilters(spec);
      let verdict = reuse ? verdicts.get(key) : undefined;
      if (!verdict) {
        verdict = filterNodes(spec, all);
        if (reuse) verdicts.set(key, verdict);
      }
      if (verdict.accepted.length === 0) {
        if (t.unschedulable !== verdict.reason) decisions.set(t.id, { reason: verdict.reason });
        continue;
      }
      const chosen = leastLoaded(verdict.accepted as Candidate[], key);
      const placed: Task & { ports?: string[] } = { ...t, nodeId: chosen.node.id };
      placed.ports = spec.ports.filter((p) => p.hostPort).map((p) => `${p.protocol}/${p.hostPort}`);
      chosen.tasks.push(placed);
      chosen.perService.set(key, (chosen.perService.get(key) ?? 0) + 1);
      decisions.set(t.id, { node: chosen.node });
    }
    const revision = await updateMany(
      this.state.store,
      this.state.tasks,
      pending.filter((v) => decisions.has(v.id)),
      (cur) => {
        const d = decisions.get(cur.id)!;
        if (cur.status.state !== "pending") return undefined;
        if (!d.node) return { ...cur, unschedulable: d.reason };
        const { unschedulable: _u, ...rest } = cur;
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

/** The spread choice: fewest tasks of the service, then fewest tasks, then the lowest node ID. */
function leastLoaded(nodes: Candidate[], serviceKey: string): Candidate {
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
