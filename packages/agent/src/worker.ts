import { availableParallelism, hostname, machine, totalmem } from "node:os";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { AgentMessage, ManagerMessage, TscClient } from "@tsc/api";
import { Coalescer } from "@tsc/core";
import type { ContainerRecord } from "@tsc/runtime";
import { isUp } from "@tsc/runtime";
import type { Agent } from "./agent.js";
import type { EngineEvent } from "./events.js";
import type { WorkDiscovery, WorkItem, WorkStatus } from "./work.js";
import { TASK_LABEL } from "./work.js";

/** Containers started at once when many tasks arrive together (up of a big stack, scale). */
const START_CONCURRENCY = 6;

/** Heartbeat period (the dispatcher marks a node down after three missed). */
const HEARTBEAT_MS = 5000;

/**
 * The agent's side of the session with a manager: registers this node, sends heartbeats and task
 * status, and turns assignments into containers through the agent. When the manager (or etcd) is
 * away the containers keep running; on reconnect the full assignment set arrives again and the
 * worker reports the actual state of every task it holds, so the two sides reconcile.
 */
export class Worker {
  private call: ClientDuplexStream<AgentMessage, ManagerMessage> | undefined;
  private items: WorkItem[] = [];
  private readonly reported = new Map<string, string>();
  private readonly queue = new Map<string, WorkStatus>();
  /** Containers restarting in place: their stop is not the task's end. */
  private readonly restarting = new Set<string>();
  private busy: Promise<void> = Promise.resolve();
  private again = false;
  private stopped = false;
  private heartbeat: NodeJS.Timeout | undefined;
  /** Statuses go to the dispatcher at once when quiet, at most every 20 ms under a burst. */
  private readonly flusher = new Coalescer(() => this.flush(), 20);
  private readonly onEvent = (e: EngineEvent): void => this.onContainerEvent(e);

  constructor(
    private readonly agent: Agent,
    private readonly connect: () => Promise<TscClient>,
    private readonly nodeId: string,
    private readonly log: (line: string) => void,
    private readonly labels: Record<string, string> = {},
  ) {}

  /** Opens the session (and keeps reopening it until `stop`). */
  start(): void {
    this.agent.events.on("event", this.onEvent);
    void this.sessionLoop();
  }

  private async sessionLoop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
      } catch (e) {
        if (!this.stopped) this.log(`worker: session: ${(e as Error).message}`);
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private async session(): Promise<void> {
    const client = await this.connect();
    const call = client.duplex<AgentMessage, ManagerMessage>("Dispatcher", "session");
    this.call = call;
    this.reported.clear();
    call.write({
      register: {
        nodeId: this.nodeId,
        hostname: hostname(),
        addr: "127.0.0.1",
        labels: this.labels,
        role: "manager",
        resources: { nanoCpus: availableParallelism() * 1e9, memoryBytes: totalmem() },
        os: process.platform,
        arch: machine(),
      },
    });
    this.heartbeat = setInterval(() => call.write({ heartbeat: {} }), HEARTBEAT_MS);
    try {
      for await (const m of call as AsyncIterable<ManagerMessage>) {
        if (m.assignmentsJson) {
          this.items = JSON.parse(m.assignmentsJson) as WorkItem[];
          this.reconcileSoon();
        } else if (m.discoveryJson) this.agent.setDiscovery(JSON.parse(m.discoveryJson) as WorkDiscovery);
      }
    } finally {
      clearInterval(this.heartbeat);
      this.call = undefined;
    }
  }

  private reconcileSoon(): void {
    this.again = true;
    this.busy = this.busy.then(async () => {
      while (this.again && !this.stopped) {
        this.again = false;
        await this.reconcile().catch((e: Error) => this.log(`worker: ${e.message}`));
      }
    });
  }

  private containerOf(taskId: string): ContainerRecord | undefined {
    return this.agent.containers.list({ all: true }).find((c) => this.agent.taskOf(c) === taskId);
  }

  /** Shutdowns first (so a recreated slot's container name is free), then starts. */
  private async reconcile(): Promise<void> {
    // One assignment set per pass: a newer one arriving meanwhile is the next pass's (its
    // shutdowns must happen before its starts, or a recreated slot's name would still be taken).
    const items = this.items;
    const wanted = new Map(items.map((i) => [i.taskId, i] as const));
    // Shut down in parallel, as Compose stops containers.
    // A container kept by `stop` stays (stopped) while its task says so, or until a later task of
    // its slot adopts it; any other container whose task is no longer wanted running goes.
    const adopted = new Set(items.flatMap((i) => (i.desired === "running" && i.adopts ? [i.adopts] : [])));
    await Promise.all(
      this.agent.containers.list({ all: true }).map(async (c) => {
        const id = this.agent.taskOf(c);
        if (!id) return;
        const item = wanted.get(id);
        if (item && item.desired !== "shutdown") return;
        const keep = (item?.keepContainer ?? false) || adopted.has(id);
        // (A kept container that has stopped already is left alone: every pass sees it again.)
        if (isUp(c))
          await this.agent.containers
            .stop(c.id, { timeout: item?.stopTimeout ?? c.spec.stopTimeout ?? 10 })
            .catch(() => undefined);
        if (!keep)
          await this.agent
            .removeContainer(c.id, { force: true })
            .catch((e: Error) => this.log(`worker: remove ${c.name}: ${e.message}`));
        if (item)
          this.report(item.taskId, {
            state: "shutdown",
            message: "shut down",
            // `c` is the runtime's own record: stop has updated it.
            exitCode: c.exitCode,
          });
      }),
    );
    await this.pruneNetworks(items);
    const toRun: WorkItem[] = [];
    const toRestart: [WorkItem, ContainerRecord][] = [];
    for (const item of items) {
      if (item.desired === "shutdown") {
        if (!["complete", "failed", "shutdown", "rejected", "orphaned"].includes(item.state))
          this.report(item.taskId, { state: "shutdown", message: "shut down" });
        continue;
      }
      const c = this.containerOf(item.taskId);
      if (c && c.status === "created") {
        // Created but never started (the daemon stopped in between): start it now.
        await this.agent.containers
          .start(c.id)
          .catch((e: Error) =>
            this.report(item.taskId, { state: "rejected", message: "failed to start", err: e.message }),
          );
        this.reportContainer(item, this.agent.containers.get(c.id));
        continue;
      }
      if (c && item.restartToken && this.agent.restartTokenOf(c.id) !== item.restartToken) {
        toRestart.push([item, c]);
        continue;
      }
      if (c) {
        this.reportContainer(item, c);
        continue;
      }
      if (["assigned", "accepted", "preparing", "starting"].includes(item.state)) toRun.push(item);
      else if (item.state === "running")
        this.report(item.taskId, {
          state: "failed",
          message: "container vanished",
          err: "the task's container no longer exists on this node",
        });
    }
    // A few at a time: container starts are mostly waiting on runc, conmon and CNI.
    await inLanes(toRestart, ([item, c]) => this.restartInPlace(item, c));
    await inLanes(toRun, (item) => this.run(item));
  }

  /** `restart`: the task's own container stops (within its stop timeout) and starts again. */
  private async restartInPlace(item: WorkItem, c: ContainerRecord): Promise<void> {
    this.restarting.add(c.id);
    try {
      await this.agent.containers.restart(c.id, { timeout: item.stopTimeout ?? c.spec.stopTimeout ?? 10 });
      await this.agent.setRestartToken(c.id, item.restartToken!);
    } catch (e) {
      this.log(`worker: restart ${c.name}: ${(e as Error).message}`);
    } finally {
      this.restarting.delete(c.id);
    }
    this.reportContainer(item, this.agent.containers.get(c.id));
  }

  private async pruneNetworks(items: WorkItem[]): Promise<void> {
    const used = new Set(
      items.filter((i) => i.desired === "running").flatMap((i) => i.networks.map((n) => n.name)),
    );
    await this.agent.pruneClusterNetworks(used);
  }

  private async run(item: WorkItem): Promise<void> {
    this.report(item.taskId, { state: "accepted", message: "accepted" });
    const kept = item.adopts === undefined ? undefined : this.containerOf(item.adopts);
    if (kept) return this.restartKept(item, kept);
    try {
      for (const n of item.networks) await this.agent.ensureNetwork(n);
      this.report(item.taskId, { state: "preparing", message: "preparing" });
      const [first] = item.networks;
      this.report(item.taskId, { state: "starting", message: "starting" });
      // Created and started in one step: networks attach while runc creates the container.
      const created = await this.agent.createContainer(
        {
          ...item.container,
          name: item.containerName,
          labels: { ...item.container.labels, [TASK_LABEL]: item.taskId },
          networkMode: first?.name ?? "none",
          endpoints: item.networks.map((n) => ({
            network: n.name,
            aliases: n.aliases,
            ...(n.address ? { ipv4Address: n.address } : {}),
          })),
        },
        {},
        { start: true },
      );
      // A new container is as fresh as a restart asked for before it existed.
      if (item.restartToken) await this.agent.setRestartToken(created.id, item.restartToken);
      this.report(item.taskId, {
        state: "running",
        message: "started",
        containerId: created.id,
        ...(item.restartToken ? { restartToken: item.restartToken } : {}),
      });
    } catch (e) {
      const c = this.containerOf(item.taskId);
      if (c) await this.agent.removeContainer(c.id, { force: true }).catch(() => undefined);
      this.report(item.taskId, { state: "rejected", message: "failed to start", err: (e as Error).message });
    }
  }

  /** Starts again the container an earlier task of the slot kept (see WorkItem.adopts). */
  private async restartKept(item: WorkItem, c: ContainerRecord): Promise<void> {
    try {
      await this.agent.setTaskOf(c.id, item.taskId);
      this.report(item.taskId, { state: "starting", message: "starting" });
      for (const n of item.networks) await this.agent.ensureNetwork(n);
      const started = await this.agent.containers.start(c.id);
      if (item.restartToken) await this.agent.setRestartToken(c.id, item.restartToken);
      this.reportContainer(item, started);
    } catch (e) {
      this.report(item.taskId, { state: "rejected", message: "failed to start", err: (e as Error).message });
    }
  }

  private reportContainer(item: WorkItem, c: ContainerRecord): void {
    const health = this.agent.healthOf(c.id)?.Status;
    const restartToken = this.agent.restartTokenOf(c.id);
    if (c.status === "running" || c.status === "paused" || c.status === "restarting")
      this.report(item.taskId, {
        state: "running",
        message: restartToken && restartToken === item.restartToken ? "restarted" : "running",
        containerId: c.id,
        ...(health ? { health } : {}),
        ...(restartToken ? { restartToken } : {}),
      });
    else if (c.status === "exited" || c.status === "dead")
      this.report(item.taskId, {
        state: c.exitCode === 0 ? "complete" : "failed",
        message: c.exitCode === 0 ? "finished" : `task: non-zero exit (${c.exitCode})`,
        containerId: c.id,
        exitCode: c.exitCode,
        ...(c.exitCode !== 0 ? { err: `task: non-zero exit (${c.exitCode})` } : {}),
      });
  }

  private onContainerEvent(e: EngineEvent): void {
    if (e.type !== "container" || !(e.action === "die" || e.action.startsWith("health_status"))) return;
    if (this.restarting.has(e.id)) return;
    const c = this.agent.containers.list({ all: true }).find((x) => x.id === e.id);
    const taskId = c && this.agent.taskOf(c);
    const item = taskId ? this.items.find((i) => i.taskId === taskId) : undefined;
    if (c && item && item.desired === "running") this.reportContainer(item, c);
  }

  private report(taskId: string, s: Omit<WorkStatus, "timestamp">): void {
    const key = JSON.stringify(s);
    if (this.reported.get(taskId) === key) return;
    this.reported.set(taskId, key);
    const item = this.items.find((i) => i.taskId === taskId);
    if (item) item.state = s.state;
    this.queue.set(taskId, { ...s, timestamp: new Date().toISOString() });
    this.flusher.request();
  }

  private flush(): void {
    if (!this.call) {
      if (this.queue.size) this.flusher.requestIn(500);
      return;
    }
    const updates = [...this.queue].map(([taskId, s]) => ({ taskId, statusJson: JSON.stringify(s) }));
    this.queue.clear();
    this.call.write({ statuses: { updates } });
  }

  /** Ends the session; containers keep running. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.agent.events.off("event", this.onEvent);
    clearInterval(this.heartbeat);
    this.flusher.cancel();
    this.call?.end();
    this.call?.cancel();
    await this.busy;
  }
}

/** Runs `fn` over `items`, START_CONCURRENCY at a time. */
async function inLanes<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, items.length) }, lane));
}
