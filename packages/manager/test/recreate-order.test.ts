/**
 * Recreating a stack whose services changed, against a real etcd with the orchestrator running:
 * services are recreated in dependency order, a dependent's old container running on until the
 * dependency's new one meets its condition (here: healthy).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../src/objects.js";
import { Orchestrator } from "../src/orchestrator.js";
import type { StoredService } from "../src/state.js";
import { serviceId } from "../src/state.js";
import type { ClusterFixture } from "./cluster-fixture.js";
import { reportAsAgent, serviceSpec, startCluster, until } from "./cluster-fixture.js";

let cluster: ClusterFixture;
let orchestrator: Orchestrator | undefined;
const DB = serviceId("chain", "db");
const APP = serviceId("chain", "app");

beforeAll(async () => {
  cluster = await startCluster("recreate-order");
  const now = new Date().toISOString();
  const svc = (spec: StoredService["spec"]): StoredService => ({
    project: "chain",
    spec,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  await cluster.state.services.create(DB, svc(serviceSpec("db", 1)));
  await cluster.state.services.create(
    APP,
    svc(
      serviceSpec("app", 1, {
        dependsOn: { db: { condition: "service_healthy", required: true, restart: false } },
      }),
    ),
  );
  orchestrator = new Orchestrator(cluster.state, () => {});
  orchestrator.run();
}, 60_000);

afterAll(async () => {
  await orchestrator?.stop();
  await cluster?.close();
});

const live = (service: string): Task[] =>
  cluster.state.cache.tasks
    .values()
    .map((v) => v.value)
    .filter((t) => t.service === service && t.desiredState === "running");

/** What the agent would report: the service's new tasks run (healthy), shut-down ones end. */
const runs = (service: string): Promise<void> =>
  reportAsAgent(
    cluster.state,
    (t) =>
      t.service !== service
        ? undefined
        : t.desiredState === "running" && t.status.state === "new"
          ? "running"
          : t.desiredState === "shutdown" && t.status.state === "running"
            ? "shutdown"
            : undefined,
    "healthy",
  );

const hashes = (service: string): string[] => live(service).map((t) => t.configHash);

describe("recreating changed services", () => {
  it("waits for the dependency's new task to be healthy before replacing the dependent's", async () => {
    await until(() => live("db").length === 1, "db's task");
    await runs("db");
    await until(() => live("app").length === 1, "app's task, once db is healthy");
    await runs("app");

    for (const id of [DB, APP])
      await cluster.state.services.update(id, (s) =>
        s ? { ...s, spec: { ...s.spec, configHash: "h2" }, version: s.version + 1 } : undefined,
      );
    await until(() => hashes("db").join() === "h2", "db's new task");
    // db's new task has not run yet: app's old task must still be the one meant to run.
    await new Promise((r) => setTimeout(r, 300));
    expect(hashes("app")).toEqual(["h1"]);
    await runs("db");
    await until(() => hashes("app").join() === "h2", "app's new task after db's is healthy");
  });
});
