/**
 * The scheduler against a real etcd: placement constraints, reservations and max replicas per node
 * decide where tasks go, and a task no node can take stays pending with the reason.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ServiceSpec, Task } from "../src/objects.js";
import { Scheduler } from "../src/scheduler.js";
import { serviceId } from "../src/state.js";
import type { ClusterFixture } from "./cluster-fixture.js";
import { readyNode, serviceSpec, startCluster, until } from "./cluster-fixture.js";

let cluster: ClusterFixture;
let scheduler: Scheduler | undefined;
const GiB = 2 ** 30;

beforeAll(async () => {
  cluster = await startCluster("scheduler");
  await cluster.state.nodes.create("a", readyNode("a", { role: "manager", engineLabels: { zone: "east" } }));
  await cluster.state.nodes.create("b", readyNode("b", { engineLabels: { zone: "west" } }));
  scheduler = new Scheduler(cluster.state, () => {});
  scheduler.run();
});

afterAll(async () => {
  await scheduler?.stop();
  await cluster?.close();
});

let project = 0;
afterEach(() => {
  project++;
});

/**
 * Stores `spec` as a service of a fresh project with `replicas` pending tasks; returns their IDs.
 * With `serviceLast`, the tasks are stored first and the service a moment later.
 */
async function pendingTasks(spec: ServiceSpec, serviceLast = false): Promise<string[]> {
  const p = `p${project}`;
  const now = new Date().toISOString();
  const storeService = () =>
    cluster.state.services.create(serviceId(p, spec.name), {
      project: p,
      spec,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  if (!serviceLast) await storeService();
  const ids: string[] = [];
  for (let slot = 1; slot <= spec.replicas; slot++) {
    const task: Task = {
      id: `${p}-${spec.name}-${slot}`,
      project: p,
      service: spec.name,
      slot,
      configHash: spec.configHash,
      desiredState: "running",
      status: { state: "pending", timestamp: now, message: "pending" },
      addresses: {},
      createdAt: now,
    };
    await cluster.state.tasks.create(task.id, task);
    ids.push(task.id);
  }
  if (serviceLast) {
    await until(() => ids.every((id) => task(id)), "the tasks in the copy");
    await new Promise((r) => setTimeout(r, 100));
    await storeService();
  }
  return ids;
}

const task = (id: string): Task | undefined => cluster.state.cache.tasks.get(id)?.value;
const settled = (ids: string[]) => () =>
  ids.every((id) => task(id)?.status.state === "assigned" || task(id)?.unschedulable !== undefined);

describe("Scheduler", () => {
  it("places only on nodes that satisfy the constraints", async () => {
    const ids = await pendingTasks(
      serviceSpec("web", 3, {
        placement: { constraints: ["engine.labels.zone==west"], maxReplicasPerNode: 0 },
      }),
    );
    await until(settled(ids), "the tasks placed");
    expect(ids.map((id) => task(id)?.nodeId)).toEqual(["b", "b", "b"]);
  });

  it("leaves a task no node satisfies pending, says why, and marks it unsatisfiable", async () => {
    const [id] = await pendingTasks(
      serviceSpec("db", 1, { placement: { constraints: ["node.labels.disk==ssd"], maxReplicasPerNode: 0 } }),
    );
    await until(settled([id!]), "the verdict");
    expect(task(id!)?.status.state).toBe("pending");
    expect(task(id!)?.unschedulable).toBe(
      "no suitable node (placement constraints (node.labels.disk==ssd) not satisfied on 2 nodes)",
    );
    expect(task(id!)?.unsatisfiable).toBe(true);
  });

  it("places a task whose service's spec reaches the scheduler after the task does", async () => {
    const ids = await pendingTasks(serviceSpec("late", 1), true);
    await until(settled(ids), "the task placed");
    expect(task(ids[0]!)?.status.state).toBe("assigned");
  });

  it("spreads no more than max_replicas_per_node on a node", async () => {
    const ids = await pendingTasks(
      serviceSpec("api", 3, { placement: { constraints: [], maxReplicasPerNode: 1 } }),
    );
    await until(settled(ids), "the verdicts");
    const nodes = ids.map((id) => task(id)?.nodeId).filter(Boolean);
    expect(nodes.sort()).toEqual(["a", "b"]);
    const waiting = ids.map(task).find((t) => t?.status.state === "pending");
    expect(waiting?.unschedulable).toBe("no suitable node (max replicas per node (1) reached on 2 nodes)");
    // More nodes could take it: not unsatisfiable.
    expect(waiting?.unsatisfiable).toBeUndefined();
  });

  it("sets reservations aside per node and counts what is already placed", async () => {
    // 1.5 CPUs each: one task per 2-CPU node; the third waits for resources.
    const ids = await pendingTasks(
      serviceSpec("batch", 3, { reservations: { nanoCpus: 1.5e9, memoryBytes: GiB } }),
    );
    await until(settled(ids), "the verdicts");
    expect(
      ids
        .map((id) => task(id)?.nodeId)
        .filter(Boolean)
        .sort(),
    ).toEqual(["a", "b"]);
    const waiting = ids.map(task).find((t) => t?.status.state === "pending");
    expect(waiting?.unschedulable).toBe(
      "no suitable node (insufficient resources on 2 nodes (each task reserves 1.5 CPUs and 1 GiB of memory))",
    );
    // A task that fits the memory left (4 GiB - 1 GiB per node) is placed beside them.
    const [small] = await pendingTasks(
      serviceSpec("small", 1, { reservations: { nanoCpus: 0, memoryBytes: 3 * GiB } }),
    );
    await until(settled([small!]), "the small task");
    expect(task(small!)?.status.state).toBe("assigned");
    const [big] = await pendingTasks(
      serviceSpec("big", 1, { reservations: { nanoCpus: 0, memoryBytes: 4 * GiB } }),
    );
    await until(settled([big!]), "the big task");
    // It would fit an empty node: it waits for resources, it is not unsatisfiable.
    expect(task(big!)?.unsatisfiable).toBeUndefined();
    expect(task(big!)?.unschedulable).toMatch(
      /insufficient resources on 2 nodes \(each task reserves 4 GiB of memory\)/,
    );
  });

  it("marks a task whose reservation exceeds every node's size unsatisfiable", async () => {
    const [id] = await pendingTasks(
      serviceSpec("huge", 1, { reservations: { nanoCpus: 64e9, memoryBytes: 0 } }),
    );
    await until(settled([id!]), "the verdict");
    expect(task(id!)?.unschedulable).toBe(
      "no suitable node (insufficient resources on 2 nodes (each task reserves 64 CPUs))",
    );
    expect(task(id!)?.unsatisfiable).toBe(true);
  });

  it("keeps a host port used by tasks placed in an earlier pass", async () => {
    const port = { protocol: "tcp" as const, containerPort: 80, hostPort: 9090 };
    const first = await pendingTasks(serviceSpec("x", 2, { ports: [port] }));
    await until(settled(first), "the first service placed");
    expect(first.map((id) => task(id)?.nodeId).sort()).toEqual(["a", "b"]);
    project++; // another project, placed in a later pass
    const [later] = await pendingTasks(serviceSpec("y", 1, { ports: [port] }));
    await until(settled([later!]), "the verdict");
    expect(task(later!)?.unschedulable).toBe("no suitable node (host-mode port already in use on 2 nodes)");
  });

  it("spreads over the values of a preference's label before spreading over nodes", async () => {
    await cluster.state.nodes.create("c", readyNode("c", { engineLabels: { zone: "east" } }));
    try {
      const ids = await pendingTasks(
        serviceSpec("spread", 4, {
          placement: { constraints: [], maxReplicasPerNode: 0, preferences: ["engine.labels.zone"] },
        }),
      );
      await until(settled(ids), "the tasks placed");
      const on = ids.map((id) => task(id)?.nodeId);
      // Two tasks per zone: east has nodes a and c, west only b.
      expect(on.filter((n) => n === "b")).toHaveLength(2);
      expect(on.filter((n) => n === "a")).toHaveLength(1);
      expect(on.filter((n) => n === "c")).toHaveLength(1);
    } finally {
      await cluster.state.nodes.delete("c");
    }
  });
});
