/**
 * The scheduler benchmark: a real etcd, the real manager (orchestrator, allocator, scheduler,
 * dispatcher) behind a real gRPC server, and `nodes` fake agents in this process, each holding a
 * real session; they acknowledge every assignment as running at once. Measures deploy → all
 * `tasks` running.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkItem } from "@tsc/agent";
import type { AgentMessage, ManagerMessage } from "@tsc/api";
import { ApiServer, parseHost, TscClient } from "@tsc/api";
import type { ServiceSpec, StackSpec } from "@tsc/manager";
import { Manager } from "@tsc/manager";
import { EmbeddedEtcd, EtcdStore } from "@tsc/store";

/** What the scheduler benchmark measured. */
export interface SchedulerResult {
  tasks: number;
  nodes: number;
  placed: number;
  ms: number;
  perSecond: number;
}

/** Runs the benchmark (times out after `timeoutMs`, reporting how many tasks got there). */
export async function benchScheduler(opts: {
  tasks: number;
  nodes: number;
  timeoutMs?: number;
}): Promise<SchedulerResult> {
  const dir = mkdtempSync(join(tmpdir(), "tsc-bench-sched-"));
  const etcd = await EmbeddedEtcd.start({ dataDir: join(dir, "etcd") });
  // A loaded etcd on two cores answers a 10,000-value range in seconds: give calls room.
  const store = EtcdStore.connect({ endpoints: [etcd.endpoint], dialTimeoutMs: 30_000 });
  const manager = new Manager({
    store,
    removeVolumes: async () => undefined,
    log: () => undefined,
  });
  const api = new ApiServer();
  api.addService("Dispatcher", manager.dispatcher.service());
  api.addService("Stacks", manager.stacksService());
  const addr = parseHost(`unix://${join(dir, "api.sock")}`);
  await api.listen(addr);
  manager.start();
  const clients = Array.from({ length: 8 }, () => new TscClient(addr));
  const sessions: { end(): void }[] = [];
  try {
    for (let i = 0; i < opts.nodes; i++) {
      const call = clients[i % clients.length]!.duplex<AgentMessage, ManagerMessage>("Dispatcher", "session");
      const nodeId = `node-${String(i).padStart(4, "0")}`;
      call.write({ register: { nodeId, hostname: nodeId, addr: "127.0.0.1", labels: {}, role: "worker" } });
      call.on("data", (m: ManagerMessage) => {
        if (!m.assignmentsJson) return;
        const items = JSON.parse(m.assignmentsJson) as WorkItem[];
        const updates = items
          .filter((it) => it.desired === "running" && it.state === "assigned")
          .map((it) => ({
            taskId: it.taskId,
            statusJson: JSON.stringify({
              state: "running",
              timestamp: new Date().toISOString(),
              message: "started",
            }),
          }));
        if (updates.length) call.write({ statuses: { updates } });
      });
      call.on("error", () => undefined);
      sessions.push(call);
    }
    const state = manager.state;
    await state.ready();
    while (state.cache.nodes.size < opts.nodes) await new Promise((r) => setTimeout(r, 100));
    const perService = Math.ceil(opts.tasks / 10);
    const service = (n: number): ServiceSpec => ({
      name: `s${n}`,
      mode: "replicated",
      replicas: perService,
      container: { image: "busybox" },
      networks: [],
      ports: [],
      restartPolicy: { condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 },
      dependsOn: {},
      configHash: `h${n}`,
    });
    const stack: StackSpec = {
      project: "bench",
      services: Array.from({ length: 10 }, (_, i) => service(i)),
      networks: [],
      volumes: [],
      configFiles: [],
      workingDir: dir,
    };
    const t0 = performance.now();
    await clients[0]!.call("Stacks", "deploy", {
      stackJson: JSON.stringify(stack),
      forceRecreate: false,
      noRecreate: false,
      removeOrphans: false,
      services: [],
    });
    // Counted from the manager's own in-memory copy (kept by its etcd watch), not by listing etcd.
    const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
    let placed = 0;
    for (;;) {
      placed = 0;
      for (const t of state.cache.tasks.values()) if (t.value.status.state === "running") placed++;
      if (placed >= perService * 10 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = performance.now() - t0;
    return {
      tasks: perService * 10,
      nodes: opts.nodes,
      placed,
      ms: elapsed,
      perSecond: (placed / elapsed) * 1000,
    };
  } finally {
    for (const s of sessions) s.end();
    for (const c of clients) c.close();
    await manager.stop();
    await api.close(100);
    store.close();
    await etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
