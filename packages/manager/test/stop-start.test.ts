/**
 * Compose's stop/start on the cluster engine, against a real etcd with the orchestrator, allocator
 * and scheduler running: `stop` shuts tasks down but has their node keep the containers; the next
 * task of each slot adopts its kept container (the same node and address), unless the service's
 * configuration changed, which releases the kept container instead.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Allocator } from "../src/allocator.js";
import type { Task } from "../src/objects.js";
import { Orchestrator } from "../src/orchestrator.js";
import { Scheduler } from "../src/scheduler.js";
import type { StoredService } from "../src/state.js";
import { serviceId } from "../src/state.js";
import type { ClusterFixture } from "./cluster-fixture.js";
import { readyNode, reportAsAgent, serviceSpec, startCluster, until } from "./cluster-fixture.js";

let cluster: ClusterFixture;
const components: { stop(): Promise<void> }[] = [];
const PROJECT = "shop";
const ID = serviceId(PROJECT, "web");

beforeAll(async () => {
  cluster = await startCluster("stop-start");
  const { state } = cluster;
  const now = new Date().toISOString();
  await state.nodes.create("a", readyNode("a"));
  await state.stacks.create(PROJECT, {
    project: PROJECT,
    networks: [{ key: "default", name: "shop_default", external: false, internal: false, labels: {} }],
    volumes: [],
    configFiles: [],
    workingDir: "/",
    createdAt: now,
    updatedAt: now,
  });
  const svc: StoredService = {
    project: PROJECT,
    spec: serviceSpec("web", 2, { networks: [{ key: "default", aliases: [] }] }),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await state.services.create(ID, svc);
  for (const c of [
    new Orchestrator(state, () => {}),
    new Allocator(state, () => {}, "10.199.0.0/16"),
    new Scheduler(state, () => {}),
  ]) {
    c.run();
    components.push(c);
  }
}, 60_000);

afterAll(async () => {
  for (const c of components) await c.stop();
  await cluster?.close();
});

const tasks = (): Task[] =>
  cluster.state.cache.tasks
    .values()
    .map((v) => v.value)
    .sort((a, b) => a.slot - b.slot || a.createdAt.localeCompare(b.createdAt));
const live = (): Task[] => tasks().filter((t) => t.desiredState === "running");

/** Reports tasks as an agent would: assigned ones run, shut-down ones end. */
const agentReports = (): Promise<void> =>
  reportAsAgent(cluster.state, (t) =>
    t.desiredState === "running" && t.status.state === "assigned"
      ? "running"
      : t.desiredState === "shutdown" && t.status.state === "running"
        ? "shutdown"
        : undefined,
  );

async function setService(patch: (s: StoredService) => StoredService): Promise<void> {
  await cluster.state.services.update(ID, (s) => (s ? patch(s) : undefined));
}

describe("stop and start of a stack service", () => {
  it("keeps stopped containers for the slots' next tasks, on the same node and address", async () => {
    await until(() => live().filter((t) => t.status.state === "assigned").length === 2, "two placed tasks");
    await agentReports();
    const first = live();
    expect(first.map((t) => t.nodeId)).toEqual(["a", "a"]);
    const addresses = first.map((t) => t.addresses.default);
    expect(addresses.every((a) => a?.startsWith("10.199."))).toBe(true);
    // A second, empty node: a fresh task would go there (spread), an adopting one goes home.
    await cluster.state.nodes.create("b", readyNode("b"));

    await setService((s) => ({ ...s, stopped: true }));
    await until(() => live().length === 0, "the stop");
    const stopped = tasks().filter((t) => first.some((f) => f.id === t.id));
    expect(stopped.map((t) => [t.desiredState, t.keepContainer])).toEqual([
      ["shutdown", true],
      ["shutdown", true],
    ]);
    await agentReports();

    await setService((s) => ({ ...s, stopped: false }));
    await until(() => live().filter((t) => t.status.state === "assigned").length === 2, "the start");
    const second = live();
    expect(second.map((t) => t.adopts)).toEqual(first.map((t) => t.id));
    expect(second.map((t) => t.nodeId)).toEqual(["a", "a"]);
    expect(second.map((t) => t.addresses.default)).toEqual(addresses);
    await agentReports();
  });

  it("releases kept containers when the service changed while it was stopped", async () => {
    const before = live();
    await setService((s) => ({ ...s, stopped: true }));
    await until(() => live().length === 0, "the stop");
    await agentReports();
    await setService((s) => ({
      ...s,
      stopped: false,
      spec: { ...s.spec, configHash: "h2" },
      version: s.version + 1,
    }));
    await until(() => live().filter((t) => t.status.state === "assigned").length === 2, "the new tasks");
    const fresh = live();
    expect(fresh.map((t) => t.adopts)).toEqual([undefined, undefined]);
    expect(fresh.map((t) => t.configHash)).toEqual(["h2", "h2"]);
    const old = tasks().filter((t) => before.some((b) => b.id === t.id));
    expect(old.map((t) => [t.desiredState, t.keepContainer])).toEqual([
      ["shutdown", false],
      ["shutdown", false],
    ]);
    // The old tasks still hold their addresses until they are deleted: the new ones got others.
    expect(fresh.map((t) => t.addresses.default)).not.toEqual(before.map((t) => t.addresses.default));
  });
});
