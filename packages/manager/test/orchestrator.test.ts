/**
 * The orchestrator against a real etcd (its own data dir and ports): a pass that fails half-way (as
 * when etcd goes away while it writes) must not lose the changes it had already taken in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Orchestrator } from "../src/orchestrator.js";
import type { StoredService } from "../src/state.js";
import { serviceId } from "../src/state.js";
import type { ClusterFixture } from "./cluster-fixture.js";
import { serviceSpec, startCluster, until } from "./cluster-fixture.js";

let cluster: ClusterFixture;
const logs: string[] = [];

beforeAll(async () => {
  cluster = await startCluster("orchestrator");
});

afterAll(async () => {
  await cluster?.close();
});

const spec = (replicas: number) => serviceSpec("web", replicas);

/** The service's tasks meant to run, as the orchestrator's own copy of etcd shows them. */
const running = (): number =>
  cluster.state.cache.tasks
    .values()
    .filter((t) => t.value.service === "web" && t.value.desiredState === "running").length;

describe("Orchestrator", () => {
  it("acts on a change whose pass failed, without another change to wake it", async () => {
    const orch = new Orchestrator(cluster.state, (l) => logs.push(l));
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
      await cluster.state.services.create(id, svc);
      await until(() => running() === 1, "the first task");

      // The next write of tasks fails once, as it would with etcd away.
      const { store } = cluster;
      const txnAt = store.txnAt.bind(store);
      let failures = 0;
      store.txnAt = (async (...args: Parameters<typeof txnAt>) => {
        if (failures++ === 0) throw new Error("etcd is unreachable (injected)");
        return txnAt(...args);
      }) as typeof store.txnAt;
      try {
        await cluster.state.services.update(id, (s) => (s ? { ...s, spec: spec(3), version: 2 } : undefined));
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
