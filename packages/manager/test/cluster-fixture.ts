/** A real etcd (own data dir and ports) with the manager's ClusterState over it, for component tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedEtcd, EtcdStore } from "@tsc/store";
import type { NodeRecord, ServiceSpec, Task, TaskState } from "../src/objects.js";
import { ClusterState, updateMany } from "../src/state.js";

/** The running fixture; `close` stops etcd and removes its data, whatever state the test left. */
export interface ClusterFixture {
  store: EtcdStore;
  state: ClusterState;
  close(): Promise<void>;
}

/** Starts etcd under a temp dir and opens the cluster state on it. */
export async function startCluster(name: string): Promise<ClusterFixture> {
  const dir = await mkdtemp(join(tmpdir(), `tsc-${name}-`));
  let etcd: EmbeddedEtcd | undefined;
  try {
    etcd = await EmbeddedEtcd.start({ dataDir: join(dir, "etcd") });
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const store = EtcdStore.connect({ endpoints: [etcd.endpoint] });
  const state = new ClusterState(store);
  return {
    store,
    state,
    async close() {
      await state.close();
      store.close();
      await etcd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A replicated busybox service `name` with `replicas` and no placement, ports or dependencies. */
export function serviceSpec(name: string, replicas: number, more: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    mode: "replicated",
    replicas,
    container: { image: "busybox" },
    networks: [],
    ports: [],
    restartPolicy: { condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 },
    dependsOn: {},
    configHash: "h1",
    ...more,
  };
}

/** Polls `check` every 50 ms for up to 15 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A ready, active worker node `id` on loopback (2 CPUs and 4 GiB), with `more` on top. */
export function readyNode(id: string, more: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id,
    hostname: `host-${id}`,
    role: "worker",
    state: "ready",
    availability: "active",
    labels: {},
    lastHeartbeat: new Date().toISOString(),
    addr: "127.0.0.1",
    resources: { nanoCpus: 2e9, memoryBytes: 4 * 2 ** 30 },
    os: "linux",
    arch: "x86_64",
    ...more,
  };
}

/**
 * Reports task states as an agent would: each task `next` gives a state for moves to it (with
 * `health` when given); the others are left alone.
 */
export async function reportAsAgent(
  state: ClusterState,
  next: (t: Task) => TaskState | undefined,
  health?: Task["status"]["health"],
): Promise<void> {
  const { items } = await state.tasks.list();
  await updateMany(state.store, state.tasks, items, (t) => {
    const to = next(t);
    if (!to) return undefined;
    const status = { ...t.status, state: to, timestamp: new Date().toISOString() };
    return { ...t, status: health ? { ...status, health } : status };
  });
}
