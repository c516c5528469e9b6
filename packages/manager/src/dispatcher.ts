import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { AgentMessage, ManagerMessage, ServiceImpl } from "@tsc/api";
import { Coalescer, invalidArgument } from "@tsc/core";
import type { WorkItem } from "@tsc/agent";
import { discoveryRecords, workItemOf } from "./assignments.js";
import { Component, followChanges } from "./component.js";
import type { NetworkAllocation, NodeRecord, ServiceSpec, Task, TaskStatus } from "./objects.js";
import type { ClusterState } from "./state.js";
import { serviceId, updateMany } from "./state.js";
import { TaskIndex } from "./task-index.js";
import { canMove, isTerminal } from "./task-state.js";

/** Whether a task is up and wanted (what discovery answers with). */
const isRunning = (t: Task): boolean => t.status.state === "running" && t.desiredState === "running";

/** Heartbeat period agents are told to keep, and how many may be missed before a node is down. */
export const HEARTBEAT_MS = 5000;
export const MISSED_HEARTBEATS = 3;
/** Least time between two discovery pushes. */
const DISCOVERY_MS = 100;

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
  /** The tasks each node must hear about (all but those shut down and finished). */
  private readonly byNode: TaskIndex;
  /** The running tasks (what discovery answers with). */
  private readonly runningTasks: TaskIndex;
  private discoveryDue = true;
  private discoveryAt = 0;
  private discoveryTimer: NodeJS.Timeout | undefined;
  private specsSeen = "";
  private readonly statusQueue = new Map<string, TaskStatus>();
  /** Status updates go to etcd at once when quiet, at most every 20 ms under a burst. */
  private readonly flusher = new Coalescer(() => void this.flush(), 20);
  private stopping = false;
  /** Nodes that sent a heartbeat since the last check. */
  private readonly beats = new Set<string>();
  private flushing = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: ClusterState,
    log: (line: string) => void,
  ) {
    super("dispatcher", log, 20);
    this.runningTasks = new TaskIndex(state.cache.tasks, (t) => (isRunning(t) ? "running" : undefined));
    // A node gets its tasks until they are shut down and over, except those whose container it
    // keeps (stopped): without the task it would remove the container.
    this.byNode = new TaskIndex(state.cache.tasks, (t) =>
      !t.nodeId || (t.desiredState === "shutdown" && isTerminal(t.status.state) && !t.keepContainer)
        ? undefined
        : t.nodeId,
    );
  }

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    const { cache } = this.state;
    this.heartbeatTimer = setInterval(() => void this.checkHeartbeats().catch(() => undefined), HEARTBEAT_MS);
    signal.addEventListener("abort", () => clearInterval(this.heartbeatTimer), { once: true });
    return [followChanges([cache.tasks, cache.services, cache.networks], signal, trigger)];
  }

  /**
   * Pushes what changed to every connected agent: only nodes with a task whose record changed
   * since the last pass (all of them when services or networks changed) are looked at again.
   */
  protected async reconcile(): Promise<void> {
    if (this.sessions.size === 0) return;
    await this.state.ready();
    const { cache } = this.state;
    const specsRevision = `${cache.services.revision}:${cache.networks.revision}`;
    const { all, changes } = this.byNode.update();
    const everything = specsRevision !== this.specsSeen || all;
    this.specsSeen = specsRevision;
    const dirty = new Set<string>();
    for (const { before, after } of changes) {
      if (before) dirty.add(before.key);
      if (after) dirty.add(after.key);
    }
    const specs = new Map(cache.services.values().map((v) => [v.id, v.value.spec] as const));
    const nets = cache.networks.values().map((v) => v.value);
    for (const [nodeId, call] of this.sessions) {
      if (!everything && this.sent.has(nodeId) && !dirty.has(nodeId)) continue;
      const mine = this.byNode.group(nodeId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      // A cheap fingerprint first: a changed record often changes nothing the node needs.
      const fingerprint = mine
        .map(
          (t) =>
            `${t.id}:${t.desiredState}:${t.status.state}:${t.configHash}:${t.restartToken ?? ""}:${t.keepContainer ? 1 : 0}`,
        )
        .join(",");
      if (this.sent.get(nodeId) === fingerprint) continue;
      this.sent.set(nodeId, fingerprint);
      call.write({ assignmentsJson: JSON.stringify(mine.map((t) => this.workItem(t, specs, nets))) });
    }
    const running = this.runningTasks.update();
    if (everything || running.changes.some((c) => c.before ?? c.after)) this.discoveryDue = true;
    if (!this.discoveryDue && this.discoverySent) return;
    // Discovery goes to every node: at most every DISCOVERY_MS, so a burst of task starts makes one push.
    const wait = this.discoveryAt + DISCOVERY_MS - performance.now();
    if (wait > 0 && this.discoverySent) {
      this.discoveryTimer ??= setTimeout(() => {
        this.discoveryTimer = undefined;
        this.trigger();
      }, wait);
      return;
    }
    this.discoveryDue = false;
    this.discoveryAt = performance.now();
    const discovery = JSON.stringify(
      discoveryRecords(this.runningTasks.tasks(), specs, new Map(nets.map((n) => [n.name, n] as const))),
    );
    if (discovery !== this.discoverySent) {
      this.discoverySent = discovery;
      for (const call of this.sessions.values()) call.write({ discoveryJson: discovery });
    }
  }

  /** A task as work for its node; a removed service's tasks still go out, to be shut down and reported. */
  private workItem(t: Task, specs: Map<string, ServiceSpec>, nets: NetworkAllocation[]): WorkItem {
    const spec = specs.get(serviceId(t.project, t.service));
    if (spec) return workItemOf(t, spec, nets);
    return {
      taskId: t.id,
      desired: "shutdown",
      state: t.status.state,
      ...(t.stopTimeout !== undefined && { stopTimeout: t.stopTimeout }),
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
            this.beats.add(nodeId);
          } else if (m.statuses) {
            for (const u of m.statuses.updates)
              this.statusQueue.set(u.taskId, JSON.parse(u.statusJson) as TaskStatus);
            if (!this.stopping) this.flusher.request();
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
      labels: cur?.labels ?? {},
      engineLabels: r.labels,
      ...(r.resources && {
        resources: { nanoCpus: r.resources.nanoCpus, memoryBytes: r.resources.memoryBytes },
      }),
      ...(r.os && { os: r.os }),
      ...(r.arch && { arch: r.arch }),
      availability: cur?.availability ?? "active",
      state: "ready",
      lastHeartbeat: now,
    }));
  }

  /**
   * Applies queued status updates (forward moves only). One flush at a time: what arrives
   * meanwhile waits for the next, so updates go to etcd in big batches and never race each other.
   */
  private async flush(): Promise<void> {
    if (this.flushing || this.statusQueue.size === 0) return;
    this.flushing = true;
    const batch = new Map(this.statusQueue);
    this.statusQueue.clear();
    try {
      await this.state.ready();
      const listed = [...batch.keys()].flatMap((id) => this.state.cache.tasks.get(id) ?? []);
      await updateMany(this.state.store, this.state.tasks, listed, (t) => {
        const status = batch.get(t.id)!;
        const sameState = t.status.state === status.state;
        if (!sameState && !canMove(t.status.state, status.state)) return undefined;
        if (
          sameState &&
          t.status.health === status.health &&
          t.status.containerId === status.containerId &&
          t.status.restartToken === status.restartToken
        )
          return undefined;
        return { ...t, status };
      });
    } catch (e) {
      // etcd away or overloaded: keep the statuses (newer ones win) and try again shortly.
      this.log(`dispatcher: status update: ${(e as Error).message}`);
      for (const [id, s] of batch) if (!this.statusQueue.has(id)) this.statusQueue.set(id, s);
      if (!this.stopping) this.flusher.requestIn(1000);
    } finally {
      this.flushing = false;
      if (this.statusQueue.size > 0 && !this.stopping) this.flusher.request();
    }
  }

  /**
   * Records this period's heartbeats in etcd (batched), then: nodes silent for too long are down;
   * their unfinished tasks become orphaned (to be replaced).
   */
  private async checkHeartbeats(): Promise<void> {
    const limit = Date.now() - HEARTBEAT_MS * MISSED_HEARTBEATS;
    await this.state.ready();
    const { cache } = this.state;
    // The heartbeats of this period, written in batches (other managers read them).
    const beat = [...this.beats].flatMap((id) => cache.nodes.get(id) ?? []);
    this.beats.clear();
    const now = new Date().toISOString();
    await updateMany(this.state.store, this.state.nodes, beat, (n): NodeRecord => ({
      ...n,
      state: "ready",
      lastHeartbeat: now,
    }));
    for (const { value: n } of cache.nodes.values()) {
      if (n.state !== "ready" || Date.parse(n.lastHeartbeat) >= limit || this.sessions.has(n.id)) continue;
      await this.state.nodes.update(n.id, (cur) => (cur ? { ...cur, state: "down" } : undefined));
      for (const { value: t } of cache.tasks.values())
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
    this.stopping = true;
    for (const s of this.sessions.values()) s.end();
    this.sessions.clear();
    this.flusher.cancel();
    if (this.discoveryTimer) clearTimeout(this.discoveryTimer);
    await this.flush().catch(() => undefined);
    await super.stop();
  }
}
