import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertMany } from "../src/state.js";
import type { ClusterFixture } from "./cluster-fixture.js";
import { startCluster } from "./cluster-fixture.js";

let cluster: ClusterFixture;
beforeAll(async () => {
  cluster = await startCluster("batched");
});
afterAll(async () => {
  await cluster?.close();
});

describe("upsertMany", () => {
  it("creates what is absent, changes what is there, leaves alone what fn leaves, and reports each", async () => {
    const coll = cluster.store.collection<{ n: number }>("counters-a");
    await coll.create("kept", { n: 7 });
    await coll.create("bumped", { n: 1 });
    const before = (await coll.get("kept"))!.modRevision;
    const results = await upsertMany(cluster.store, coll, ["new", "kept", "bumped"], (id, cur) => {
      if (!cur) return { value: { n: 0 }, result: "created" };
      if (id === "kept") return { value: undefined, result: "unchanged" };
      return { value: { n: cur.n + 1 }, result: "changed" };
    });
    expect(Object.fromEntries(results)).toEqual({ new: "created", kept: "unchanged", bumped: "changed" });
    expect((await coll.get("new"))?.value).toEqual({ n: 0 });
    expect((await coll.get("bumped"))?.value).toEqual({ n: 2 });
    expect((await coll.get("kept"))?.modRevision).toBe(before);
  });

  it("loses no update when writers race on the same values, across batches of 100", async () => {
    const coll = cluster.store.collection<{ n: number }>("counters-b");
    const ids = Array.from({ length: 150 }, (_, i) => `c${i}`);
    const bump = (): Promise<Map<string, number>> =>
      upsertMany(cluster.store, coll, ids, (_id, cur) => {
        const n = (cur?.n ?? 0) + 1;
        return { value: { n }, result: n };
      });
    const runs = await Promise.all([bump(), bump(), bump(), bump()]);
    for (const id of ids) {
      expect((await coll.get(id))?.value).toEqual({ n: 4 });
      // Each writer's result is from the attempt that was written: together they saw 1, 2, 3 and 4.
      expect(runs.map((r) => r.get(id)).sort()).toEqual([1, 2, 3, 4]);
    }
  });
});
