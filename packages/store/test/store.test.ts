import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { isTscError } from "@tsc/core";
import { CollectionCache, EmbeddedEtcd, EtcdStore, type WatchEvent } from "../src/index.js";

let dir: string;
let etcd: EmbeddedEtcd | undefined;
let store: EtcdStore;
const output: string[] = [];
const controllers: AbortController[] = [];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The next `n` events of `it`, failing after `ms`. */
async function take<T>(it: AsyncIterator<T>, n: number, ms = 15_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = sleep(ms).then(() => "timeout" as const);
  while (out.length < n) {
    const r = await Promise.race([it.next(), deadline]);
    if (r === "timeout") throw new Error(`timed out with ${JSON.stringify(out)}`);
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

/** An iterator over `watch` that the afterEach hook ends. */
function watching<T>(watch: (signal: AbortSignal) => AsyncIterable<WatchEvent<T>>) {
  const ac = new AbortController();
  controllers.push(ac);
  return watch(ac.signal)[Symbol.asyncIterator]();
}

/** Strips fields that vary, for readable expectations. */
const brief = (e: WatchEvent<unknown>) =>
  e.type === "reset" ? { type: e.type, ids: e.items.map((i) => i.id) } : { ...e, modRevision: undefined };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "tsc-store-"));
  try {
    etcd = await EmbeddedEtcd.start({ dataDir: join(dir, "etcd"), log: (l) => output.push(l) });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  store = EtcdStore.connect({ endpoints: [etcd.endpoint] });
});

afterEach(() => {
  controllers.splice(0).forEach((c) => c.abort());
});

afterAll(async () => {
  store?.close();
  await etcd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("EtcdStore", () => {
  it("creates, gets, lists, puts and deletes", async () => {
    const c = store.collection<{ n: number }>("basic");
    expect(c.key("a")).toBe("/tsc/v1/basic/a");
    const r1 = await c.create("a", { n: 1 });
    await c.create("b", { n: 2 });
    expect(await c.get("a")).toEqual({ id: "a", value: { n: 1 }, modRevision: r1, createRevision: r1 });
    expect(await c.get("missing")).toBeUndefined();
    const r2 = await c.put("a", { n: 3 });
    expect(await c.get("a")).toMatchObject({ value: { n: 3 }, modRevision: r2, createRevision: r1 });
    const { items, revision } = await c.list();
    expect(items.map((i) => [i.id, i.value.n])).toEqual([
      ["a", 3],
      ["b", 2],
    ]);
    expect(revision).toBe(await store.revision());
    expect(await c.delete("a")).toBe(true);
    expect(await c.delete("a")).toBe(false);
    expect((await c.list()).items.map((i) => i.id)).toEqual(["b"]);
    expect((await store.collection("basic-other").list()).items).toEqual([]);
  });

  it("refuses to create an existing id", async () => {
    const c = store.collection<string>("dup");
    await c.create("x", "first");
    await expect(c.create("x", "second")).rejects.toMatchObject({
      kind: "AlreadyExists",
      message: 'dup "x" already exists',
    });
    expect((await c.get("x"))?.value).toBe("first");
  });

  it("update serialises 20 concurrent increments", async () => {
    const c = store.collection<number>("counter");
    const results = await Promise.all(Array.from({ length: 20 }, () => c.update("n", (v) => (v ?? 0) + 1)));
    expect((await c.get("n"))?.value).toBe(20);
    expect([...results].sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await c.update("n", () => undefined)).toBe(20);
  });

  it("txn applies all or nothing", async () => {
    const a = store.collection<string>("txn-a");
    const b = store.collection<string>("txn-b");
    const stale = await a.create("k", "v1");
    await a.put("k", "v2");
    expect(
      await store.txn(
        [{ collection: a, id: "k", modRevision: stale }],
        [{ collection: b, id: "k", value: "x" }],
        [{ collection: a, id: "k" }],
      ),
    ).toBe(false);
    expect(await b.get("k")).toBeUndefined();
    expect((await a.get("k"))?.value).toBe("v2");
    const fresh = (await a.get("k"))!.modRevision;
    const checks = [
      { collection: a, id: "k", modRevision: fresh },
      { collection: b, id: "k", modRevision: 0 },
    ];
    expect(
      await store.txn(checks, [{ collection: b, id: "k", value: "x" }], [{ collection: a, id: "k" }]),
    ).toBe(true);
    expect((await b.get("k"))?.value).toBe("x");
    expect(await a.get("k")).toBeUndefined();
    const many = Array.from({ length: 129 }, (_, i) => ({ collection: b, id: `p${i}`, value: i }));
    await expect(store.txn([], many, [])).rejects.toMatchObject({ kind: "InvalidArgument" });
    expect(await b.get("p0")).toBeUndefined();
  });

  it("refuses values written by a newer schema", async () => {
    await store.collection("schema", 2).put("s", { new: true });
    const err = await store
      .collection("schema", 1)
      .get("s")
      .catch((e: unknown) => e);
    expect(isTscError(err, "FailedPrecondition")).toBe(true);
    expect((err as Error).message).toContain('"/tsc/v1/schema/s" was written by a newer tsc');
    expect((await store.collection("schema", 3).get("s"))?.value).toEqual({ new: true });
  });

  it("watch sees puts and deletes in order, with previous values", async () => {
    const c = store.collection<number>("watch");
    const it = watching((signal) => c.watch({ signal }));
    const first = take(it, 4);
    await sleep(300); // let the watch start ("now")
    await c.put("a", 1);
    await c.put("a", 2);
    await c.put("b", 3);
    await c.delete("a");
    expect((await first).map(brief)).toEqual([
      { type: "put", id: "a", value: 1 },
      { type: "put", id: "a", value: 2, prev: 1 },
      { type: "put", id: "b", value: 3 },
      { type: "delete", id: "a", prev: 2 },
    ]);
  });

  it("watch from a revision replays history", async () => {
    const c = store.collection<string>("replay");
    const from = await store.revision();
    await c.put("x", "one");
    await c.put("y", "two");
    await c.delete("x");
    const events = await take(
      watching((signal) => c.watch({ fromRevision: from, signal })),
      3,
    );
    expect(events.map((e) => [e.type, "id" in e && e.id])).toEqual([
      ["put", "x"],
      ["put", "y"],
      ["delete", "x"],
    ]);
  });

  it("watch resumes across an etcd kill and restart without loss or repeats", async () => {
    const c = store.collection<number>("resume");
    const from = await store.revision();
    const it = watching((signal) => c.watch({ fromRevision: from, signal }));
    await c.put("a", 1);
    expect((await take(it, 1)).map(brief)).toEqual([{ type: "put", id: "a", value: 1 }]);
    await etcd!.kill();
    await sleep(500);
    await etcd!.restart();
    await c.put("b", 2);
    await c.put("a", 3);
    expect((await take(it, 2)).map(brief)).toEqual([
      { type: "put", id: "b", value: 2 },
      { type: "put", id: "a", value: 3, prev: 1 },
    ]);
    await c.delete("b");
    expect((await take(it, 1)).map(brief)).toEqual([{ type: "delete", id: "b", prev: 2 }]);
  });

  it("fails with Unavailable within about 3 s while etcd is down", async () => {
    await etcd!.kill();
    try {
      const started = Date.now();
      const err = await store
        .collection("down")
        .get("x")
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(isTscError(err, "Unavailable")).toBe(true);
      expect((err as Error).message).toBe(
        `etcd at ${etcd!.endpoint} is unreachable: start etcd or check --etcd-endpoints`,
      );
    } finally {
      await etcd!.restart();
    }
    expect(await store.collection("down").get("x")).toBeUndefined();
  });

  it("says how to install etcd when the binary is missing", async () => {
    const start = EmbeddedEtcd.start({ dataDir: join(dir, "none"), etcdBinary: "/nonexistent/etcd" });
    await expect(start).rejects.toMatchObject({
      kind: "Unavailable",
      message: 'etcd binary "/nonexistent/etcd" not found: install it with: apt-get install etcd-server',
    });
  });

  it("restarts etcd that died unexpectedly", async () => {
    const pid = etcd!.pid!;
    const restarted = once(etcd!, "restarted");
    process.kill(pid, "SIGKILL");
    await restarted;
    expect(etcd!.pid).not.toBe(pid);
    expect(output.some((l) => l.includes("exited unexpectedly"))).toBe(true);
    await store.collection<number>("after-crash").put("x", 1);
  });

  it("watch yields a reset when its revision was compacted", async () => {
    const c = store.collection<number>("compact");
    const from = await store.revision();
    await c.put("a", 1);
    await c.put("a", 2);
    await c.put("b", 3);
    await store.client.kv.compact({ revision: await store.revision(), physical: true });
    const it = watching((signal) => c.watch({ fromRevision: from, signal }));
    const [reset] = await take(it, 1);
    expect(reset).toMatchObject({
      type: "reset",
      items: [
        { id: "a", value: 2 },
        { id: "b", value: 3 },
      ],
    });
    await c.put("c", 4);
    expect((await take(it, 1)).map(brief)).toEqual([{ type: "put", id: "c", value: 4 }]);
  });
});

describe("CollectionCache", () => {
  it("holds the list, follows puts and deletes, and waits for a write it was told about", async () => {
    const c = store.collection<{ n: number }>("cache");
    await c.create("a", { n: 1 });
    const ac = new AbortController();
    controllers.push(ac);
    const cache = new CollectionCache(c);
    let changes = 0;
    cache.subscribe(() => changes++);
    await cache.start(ac.signal);
    expect(cache.values().map((v) => [v.id, v.value.n])).toEqual([["a", 1]]);
    const { revision } = await store.txnAt(
      [],
      [
        { collection: c, id: "a", value: { n: 2 } },
        { collection: c, id: "b", value: { n: 3 } },
      ],
      [],
    );
    await cache.waitFor(revision, 10_000);
    expect(cache.revision).toBeGreaterThanOrEqual(revision);
    expect(cache.get("a")).toMatchObject({ value: { n: 2 }, modRevision: revision });
    expect(cache.get("b")?.value).toEqual({ n: 3 });
    await c.delete("a");
    const deleted = await store.revision();
    await cache.waitFor(deleted, 10_000);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(changes).toBeGreaterThanOrEqual(2);
  });

  it("getMany reads several values in one request and leaves out missing ones", async () => {
    const c = store.collection<number>("many");
    await c.put("x", 1);
    await c.put("y", 2);
    expect((await c.getMany(["y", "nope", "x"])).map((v) => [v.id, v.value])).toEqual([
      ["y", 2],
      ["x", 1],
    ]);
  });
});
