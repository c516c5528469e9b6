/**
 * The orchestrator against a real etcd (its own data dir and ports): a pass that fails half-way (as
 * when etcd goes away while it writes) must not lose the changes it had already taken in.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EmbeddedEtcd, EtcdStore } from "@tsc/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceSpec } from "../src/objects.js";
import { Orchestrator } from "../src/orchestrator.js";
import type { StoredService } from "../src/state.js";
import { ClusterState, serviceId } from "../src/state.js";

let dir = "";
let etcd: EmbeddedEtcd;
let store: EtcdStore;
let state: ClusterState;
const logs: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsc-orchestrator-"));
  etcd = await EmbeddedEtcd.start({ dataDir: join(dir, "etcd") });
  store = EtcdStore.connect({ endpoints: [etcd.endpoint] });
  state = new ClusterState(store);
});

afterAll(async () => {
  await state?.close();
  store?.close();
  await etcd?.stop();
  await rm(dir, { recursive: true, force: true });
});

const spec = (replicas: number): ServiceSpec => ({
  name: "web",
  mode: "replicated",
  replicas,
  container: { image: "busybox" },
  networks: [],
  ports: [],
  restartPolicy: { condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 },
  dependsOn: {},
  configHash: "h1",
});

/** The service's tasks meant to run, as the orchestrator's own copy of etcd shows them. */
const running = (): number =>
  state.cache.tasks.values().filter((t) => t.value.service === "web" && t.value.desiredState === "running")
    .length;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Orchestrator", () => {
  it("acts on a change whose pass failed, without another change to wake it", async () => {
    const orch = new Orchestrator(state, (l) => logs.push(l));
    orch.run();
    try {
      const id = serviceId("demo", "web");
      const now = new Date().toISOString();
      const svc: StoredService = {
        project: "demo",
        spec: spec(1),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await state.services.create(id, svc);
      await until(() => running() === 1, "the first task");

      // The next write of tasks fails once, as it would with etcd away.
      const txnAt = store.txnAt.bind(store);
      let failures = 0;
      store.txnAt = (async (...args: Parameters<typeof txnAt>) => {
        if (failures++ === 0) throw new Error("etcd is unreachable (injected)");
        return txnAt(...args);
      }) as typeof store.txnAt;
      try {
        await state.services.update(id, (s) => (s ? { ...s, spec: spec(3), version: 2 } : undefined));
        await until(() => running() === 3, "the scaled service's tasks after the failed pass");
      } finally {
        store.txnAt = txnAt;
      }
      expect(failures).toBeGreaterThan(1);
      expect(logs.join("\n")).toContain("etcd is unreachable (injected)");
    } finally {
      await orch.stop();
    }
  });
});
