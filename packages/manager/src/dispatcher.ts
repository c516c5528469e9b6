import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { AgentMessage, ManagerMessage, ServiceImpl } from "@tsc/api";
import { invalidArgument } from "@tsc/core";
import type { WorkItem } from "@tsc/agent";
import { discoveryRecords, workItemOf } from "./assignments.js";
import type { Watchable } from "./component.js";
import { Component, followWatch } from "./component.js";
import type { NetworkAllocation, NodeRecord, ServiceSpec, Task, TaskStatus } from "./objects.js";
import type { ClusterState } from "./state.js";
import { updateMany } from "./state.js";
import { canMove, isTerminal } from "./task-state.js";

/** Heartbeat period agents are told to keep, and how many may be missed before a node is down. */
export const HEARTBEAT_MS = 5000;
export const MISSED_HEARTBEATS = 3;

type Session = ServerDuplexStream<AgentMessage, ManagerMessage>;

/**
 * The dispatcher: one session per agent. It registers the node, marks it down when heartbeats
 * stop, applies batched status updates to tasks (forward moves only), and pushes each node its
 * full assignment set and everyone the discovery records whenever tasks change.
 */
export class Dispatcher extends Component {
  private readonly sessions = new Map<string, Session>();
  private readonly sent = new Map<string, string>();
  private discoverySent = "";
  private readonly statusQueue = new Map<string, TaskStatus>();
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: ClusterState,
    log: (line: string) => void,
  ) {
    super("dispatcher", log);
  }

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    const follow = (c: Watchable) => followWatch(c, signal, trigger);
    this.heartbeatTimer = setInterval(() => void this.checkHeartbeats().catch(() => undefined), HEARTBEAT_MS);
    signal.addEventListener("abort", () => clearInterval(this.heartbeatTimer), { once: true });
    return [follow(this.state.tasks), follow(this.state.services), follow(this.state.networks)];
  }

  /** Pushes what changed to every connected agent. */
  protected async reconcile(): Promise<void> {
    if (this.sessions.size === 0) return;
    const tasks = (await this.state.tasks.list()).items.map((v) => v.value);
    const specs = new Map((await this.state.services.list()).items.map((v) => [v.id, v.value.spec] as const));
    const nets = [...(await this.state.networks.list()).items.map((v) => v.value)];
    const byNode = new Map<string, Task[]>();
    for (const t of tasks) {
      if (!t.nodeId || (t.desiredState === "shutdown" && isTerminal(t.status.state))) continue;
      const list = byNode.get(t.nodeId);
      if (list) list.push(t);
      else byNode.set(t.nodeId, [t]);
    }
    for (const [nodeId, call] of this.sessions) {
      const mine = (byNode.get(nodeId) ?? []).sort((a, b) => a.id.localeCompare(b.id));
      // A cheap fingerprint first: most passes change few nodes' sets.
      const fingerprint = mine
        .map((t) => `${t.id}:${t.desiredState}:${t.status.state}:${t.configHash}`)
        .join(",");
      if (this.sent.get(nodeId) === fingerprint) continue;
      this.sent.set(nodeId, fingerprint);
      call.write({ assignmentsJson: JSON.stringify(mine.map((t) => this.workItem(t, specs, nets))) });
    }
    const discovery = JSON.stringify(
      discoveryRecords(tasks, specs, new Map(nets.map((n) => [n.name, n] as const))),
    );
    if (discovery !== this.discoverySent) {
      this.discoverySent = discovery;
      for (const call of this.sessions.values()) call.write({ discoveryJson: discovery });
    }
  }

  /** A task as work for its node; a removed service's tasks still go out, to be shut down and reported. */
  private workItem(t: Task, specs: Map<string, ServiceSpec>, nets: NetworkAllocation[]): WorkItem {
    const spec = specs.get(`${t.project}_${t.service}`);
    if (spec) return workItemOf(t, spec, nets);
    return {
      taskId: t.id,
      desired: "shutdown",
      state: t.status.state,
      containerName: "",
      container: { image: "" },
      networks: [],
    };
  }

  /** The Dispatcher gRPC service. */
  service(): ServiceImpl {
    return { session: (call: Session) => this.session(call) };
  }

  private session(call: Session): Promise<void> {
    return new Promise<void>((resolve) => {
      let nodeId: string | undefined;
      const end = (): void => {
        if (nodeId && this.sessions.get(nodeId) === call) {
          this.sessions.delete(nodeId);
          this.sent.delete(nodeId);
        }
        resolve();
      };
      call.on("data", (m: AgentMessage) => {
        void (async () => {
          if (m.register) {
            if (!m.register.nodeId) throw invalidArgument("register needs a node ID");
            nodeId = m.register.nodeId;
            this.sessions.get(nodeId)?.end();
            this.sessions.set(nodeId, call);
            this.sent.delete(nodeId);
            this.discoverySent = "";
            await this.upsertNode(m.register);
            this.trigger();
          } else if (m.heartbeat && nodeId) {
            await this.state.nodes.update(nodeId, (n) =>
              n ? { ...n, state: "ready", lastHeartbeat: new Date().toISOString() } : undefined,
            );
          } else if (m.statuses) {
            for (const u of m.statuses.updates)
              this.statusQueue.set(u.taskId, JSON.parse(u.statusJson) as TaskStatus);
            this.flushTimer ??= setTimeout(() => void this.flush(), 20);
          }
        })().catch((e: Error) => this.log(`dispatcher: ${e.message}`));
      });
      call.on("end", () => {
        call.end();
        end();
      });
      call.on("error", end);
      call.on("cancelled", end);
    });
  }

  private async upsertNode(r: NonNullable<AgentMessage["register"]>): Promise<void> {
    const now = new Date().toISOString();
    await this.state.nodes.update(r.nodeId, (cur) => ({
      id: r.nodeId,
      hostname: r.hostname,
      addr: r.addr,
      role: (r.role as NodeRecord["role"]) || "manager",
      labels: r.labels,
      availability: cur?.availability ?? "active",
      state: "ready",
      lastHeartbeat: now,
    }));
  }

  /** Applies queued status updates (forward moves only). */
  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    if (this.statusQueue.size === 0) return;
    const batch = new Map(this.statusQueue);
    this.statusQueue.clear();
    try {
      const listed = (await this.state.tasks.list()).items.filter((v) => batch.has(v.id));
      await updateMany(this.state.store, this.state.tasks, listed, (t) => {
        const status = batch.get(t.id)!;
        const sameState = t.status.state === status.state;
        if (!sameState && !canMove(t.status.state, status.state)) return undefined;
        if (sameState && t.status.health === status.health && t.status.containerId === status.containerId)
          return undefined;
        return { ...t, status };
      });
    } catch (e) {
      // etcd away or overloaded: keep the statuses (newer ones win) and try again shortly.
      this.log(`dispatcher: status update: ${(e as Error).message}`);
      for (const [id, s] of batch) if (!this.statusQueue.has(id)) this.statusQueue.set(id, s);
      this.flushTimer ??= setTimeout(() => void this.flush(), 1000);
    }
  }

  /** Nodes silent for too long are down; their unfinished tasks become orphaned (to be replaced). */
  private async checkHeartbeats(): Promise<void> {
    const limit = Date.now() - HEARTBEAT_MS * MISSED_HEARTBEATS;
    for (const { value: n } of (await this.state.nodes.list()).items) {
      if (n.state !== "ready" || Date.parse(n.lastHeartbeat) >= limit || this.sessions.has(n.id)) continue;
      await this.state.nodes.update(n.id, (cur) => (cur ? { ...cur, state: "down" } : undefined));
      for (const { value: t } of (await this.state.tasks.list()).items)
        if (t.nodeId === n.id && !isTerminal(t.status.state))
          await this.state.tasks.update(t.id, (cur) =>
            cur && !isTerminal(cur.status.state)
              ? {
                  ...cur,
                  status: {
                    ...cur.status,
                    state: "orphaned",
                    timestamp: new Date().toISOString(),
                    message: `node ${n.hostname} is down`,
                  },
                }
              : undefined,
          );
    }
  }

  /** Ends every session (agents reconnect to whoever serves next). */
  override async stop(): Promise<void> {
    for (const s of this.sessions.values()) s.end();
    this.sessions.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.flush().catch(() => undefined);
    await super.stop();
  }
}
