import type { Watchable } from "./component.js";
import { Component, followWatch } from "./component.js";
import type { NodeInfo } from "./filters.js";
import { filterNodes } from "./filters.js";
import type { NodeRecord, Task } from "./objects.js";
import type { ClusterState } from "./state.js";
import { updateMany } from "./state.js";
import { isTerminal } from "./task-state.js";

/**
 * The scheduler: places PENDING tasks on nodes that pass every filter, spreading each service
 * across nodes (fewest tasks of the service first, then fewest tasks overall). A task no node
 * accepts stays PENDING with the filters' explanation in `unschedulable`. Placement decisions of
 * one pass are written as a batch.
 */
export class Scheduler extends Component {
  constructor(
    private readonly state: ClusterState,
    log: (line: string) => void,
  ) {
    super("scheduler", log);
  }

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    const follow = (c: Watchable) => followWatch(c, signal, trigger);
    return [follow(this.state.tasks), follow(this.state.nodes)];
  }

  protected async reconcile(): Promise<void> {
    const listed = (await this.state.tasks.list()).items;
    const tasks = listed.map((v) => v.value);
    const pending = tasks.filter((t) => t.status.state === "pending" && t.desiredState === "running");
    if (pending.length === 0) return;
    const nodes = (await this.state.nodes.list()).items.map((v) => v.value);
    const services = new Map(
      (await this.state.services.list()).items.map((v) => [v.id, v.value.spec] as const),
    );
    const infos = new Map<string, NodeInfo>(
      nodes.map((n) => [
        n.id,
        { node: n, tasks: tasks.filter((t) => t.nodeId === n.id && !isTerminal(t.status.state)) },
      ]),
    );
    const decisions: { task: Task; node?: NodeRecord; reason?: string }[] = [];
    for (const t of pending.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const spec = services.get(`${t.project}_${t.service}`);
      if (!spec) continue;
      const { accepted, reason } = filterNodes(spec, [...infos.values()]);
      if (accepted.length === 0) {
        if (t.unschedulable !== reason) decisions.push({ task: t, reason });
        continue;
      }
      const countOf = (n: NodeInfo) =>
        n.tasks.filter((x) => x.project === t.project && x.service === t.service).length;
      accepted.sort(
        (a, b) =>
          countOf(a) - countOf(b) || a.tasks.length - b.tasks.length || a.node.id.localeCompare(b.node.id),
      );
      const chosen = accepted[0]!;
      const placed: Task = { ...t, nodeId: chosen.node.id };
      (placed as Task & { ports?: string[] }).ports = spec.ports
        .filter((p) => p.hostPort)
        .map((p) => `${p.protocol}/${p.hostPort}`);
      chosen.tasks.push(placed);
      decisions.push({ task: t, node: chosen.node });
    }
    const byId = new Map(decisions.map((d) => [d.task.id, d] as const));
    await updateMany(
      this.state.store,
      this.state.tasks,
      listed.filter((v) => byId.has(v.id)),
      (cur) => {
        const d = byId.get(cur.id)!;
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
  }
}
