import type { Collection, Versioned, WatchEvent } from "@tsc/store";
import { CollectionCache } from "@tsc/store";
import { describe, expect, it } from "vitest";
import type { Task } from "./objects.js";
import { TaskIndex } from "./task-index.js";

/** A collection whose list and watch are driven by the test. */
function fakeCollection(initial: Versioned<Task>[]) {
  const queue: WatchEvent<Task>[] = [];
  let wake: (() => void) | undefined;
  const coll = {
    list: async () => ({ items: initial, revision: 10 }),
    async *watch({ signal }: { signal: AbortSignal }) {
      while (!signal.aborted) {
        const ev = queue.shift();
        if (ev) yield ev;
        else await new Promise<void>((r) => (wake = r));
      }
    },
  } as unknown as Collection<Task>;
  const emit = (ev: WatchEvent<Task>): void => {
    queue.push(ev);
    wake?.();
  };
  return { coll, emit };
}

const task = (id: string, service: string, state: Task["status"]["state"]): Task => ({
  id,
  project: "p",
  service,
  slot: 1,
  configHash: "h",
  desiredState: "running",
  status: { state, timestamp: "2026-01-01T00:00:00Z", message: "" },
  addresses: {},
  createdAt: "2026-01-01T00:00:00Z",
});
const versioned = (t: Task, rev: number): Versioned<Task> => ({
  id: t.id,
  value: t,
  modRevision: rev,
  createRevision: rev,
});

describe("TaskIndex over a CollectionCache", () => {
  it("groups the first list, then moves only the tasks that changed", async () => {
    const { coll, emit } = fakeCollection([
      versioned(task("a", "web", "new"), 5),
      versioned(task("b", "db", "running"), 6),
    ]);
    const cache = new CollectionCache(coll);
    const byState = new TaskIndex(cache, (t) => (t.status.state === "running" ? undefined : t.status.state));
    const ac = new AbortController();
    await cache.start(ac.signal);
    const first = byState.update();
    expect(first.all).toBe(true);
    expect(byState.group("new").map((t) => t.id)).toEqual(["a"]);
    expect(byState.keys()).toEqual(["new"]);

    emit({ type: "put", id: "a", value: task("a", "web", "pending"), modRevision: 11 });
    emit({ type: "put", id: "c", value: task("c", "web", "new"), modRevision: 12 });
    emit({ type: "delete", id: "b", modRevision: 13 });
    await cache.waitFor(13, 2000);
    const next = byState.update();
    expect(next.all).toBe(false);
    expect(next.changes.map((c) => [c.id, c.before?.key, c.after?.key])).toEqual([
      ["a", "new", "pending"],
      ["c", undefined, "new"],
      ["b", undefined, undefined],
    ]);
    expect(byState.group("pending").map((t) => t.id)).toEqual(["a"]);
    expect(byState.group("new").map((t) => t.id)).toEqual(["c"]);
    expect(cache.get("b")).toBeUndefined();
    expect(byState.update().changes).toEqual([]);
    ac.abort();
    emit({ type: "put", id: "z", value: task("z", "web", "new"), modRevision: 14 });
    await cache.stopped();
  });

  it("waitFor gives up after its timeout when no event reaches the revision", async () => {
    const { coll } = fakeCollection([]);
    const cache = new CollectionCache(coll);
    const ac = new AbortController();
    await cache.start(ac.signal);
    const t0 = Date.now();
    await cache.waitFor(99, 100);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    expect(cache.revision).toBe(10);
    ac.abort();
  });
});
