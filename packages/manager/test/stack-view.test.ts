/** `Stacks.Tasks` as tsc-compose follows it: a long poll that answers when the tasks change. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Task } from "../src/objects.js";
import { stacksService } from "../src/stacks-service.js";
import type { ClusterFixture } from "./cluster-fixture.js";
import { startCluster } from "./cluster-fixture.js";

let cluster: ClusterFixture;
beforeAll(async () => {
  cluster = await startCluster("stack-view");
  await cluster.state.ready();
});
afterAll(async () => {
  await cluster?.close();
});

type Tasks = (req: { project: string; all: boolean; afterRevision?: number }) => Promise<{ json: string }>;
const view = async (req: Parameters<Tasks>[0], longPollMs = 60_000) => {
  const tasks = stacksService(cluster.state, async () => {}, { longPollMs }).tasks as Tasks;
  return JSON.parse((await tasks(req)).json) as { tasks: Task[]; revision: number };
};

const newTask = (id: string): Task => ({
  id,
  project: "lp",
  service: "web",
  slot: 1,
  configHash: "h",
  desiredState: "running",
  status: { state: "new", timestamp: new Date().toISOString(), message: "created" },
  addresses: {},
  createdAt: new Date().toISOString(),
});

describe("Stacks.Tasks", () => {
  it("answers at once without a revision, and with one when the tasks change after it", async () => {
    const first = await view({ project: "lp", all: false });
    expect(first.tasks).toEqual([]);
    expect(first.revision).toBeGreaterThan(0);
    // The long poll's own timeout is a minute: an answer is the change's.
    const waiting = view({ project: "lp", all: false, afterRevision: first.revision });
    let answered = false;
    void waiting.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    await cluster.state.tasks.create("lp-t1", newTask("lp-t1"));
    const next = await waiting;
    expect(next.tasks.map((t) => t.id)).toEqual(["lp-t1"]);
    expect(next.revision).toBeGreaterThan(first.revision);
  });

  it("answers when its time is up though nothing changed", async () => {
    const first = await view({ project: "lp", all: false });
    const same = await view({ project: "lp", all: false, afterRevision: first.revision }, 300);
    expect(same.tasks).toEqual(first.tasks);
  });
});
