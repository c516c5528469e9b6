import type { IWatchResponse, Watcher } from "etcd3";
import type { Collection } from "./collection.js";
import type { WatchEvent } from "./store.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The events of one collection from `fromRevision + 1` on. etcd3's watcher reconnects by itself
 * but resumes from the *header* revision (which can skip events still being replayed), so the
 * resume point is pinned to the last revision delivered here and duplicates are dropped.
 */
export async function* watchCollection<T>(
  collection: Collection<T>,
  opts: { fromRevision?: number; signal: AbortSignal; prev?: boolean },
): AsyncGenerator<WatchEvent<T>> {
  const { signal } = opts;
  const { store } = collection;
  const queue: (WatchEvent<T> | { type: "error"; error: unknown })[] = [];
  let wake: (() => void) | undefined;
  const push = (item: (typeof queue)[number]) => {
    queue.push(item);
    wake?.();
  };
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);

  let next = (opts.fromRevision ?? (await store.revision())) + 1;
  let watcher: Watcher | undefined;

  const onData = (res: IWatchResponse) => {
    let last = next - 1;
    for (const ev of res.events) {
      const rev = Number(ev.kv.mod_revision);
      if (rev < next) continue; // already delivered before a reconnect
      last = Math.max(last, rev);
      try {
        const id = ev.kv.key.toString().slice(collection.keyPrefix.length);
        const prev = ev.prev_kv ? collection.decodeValue(ev.prev_kv.key, ev.prev_kv.value) : undefined;
        const withPrev = prev === undefined ? {} : { prev };
        if (ev.type === "Put") {
          const value = collection.decodeValue(ev.kv.key, ev.kv.value);
          push({ type: "put", id, value, modRevision: rev, ...withPrev });
        } else {
          push({ type: "delete", id, modRevision: rev, ...withPrev });
        }
      } catch (error) {
        push({ type: "error", error });
      }
    }
    next = last + 1;
    pin();
  };
  const pin = () => {
    if (watcher) watcher.request.start_revision = String(next);
  };

  const open = () => {
    const builder = store.client.watch().prefix(collection.keyPrefix);
    const w = (opts.prev === false ? builder : builder.withPreviousKV())
      .startRevision(String(next))
      .watcher();
    watcher = w;
    // Registered after etcd3's own listeners, so these run last and win.
    w.on("data", onData);
    w.on("connected", pin);
    w.on("disconnected", () => undefined);
    w.on("error", () => {
      if (watcher === w) watcher = undefined;
      void recover();
    });
  };

  /** etcd canceled the watch (normally: `next` was compacted). Reopen, with a reset if needed. */
  const recover = async () => {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        if (await compacted()) {
          const { items, revision } = await collection.list();
          push({ type: "reset", items, revision });
          next = revision + 1;
        }
        if (!signal.aborted) open();
        return;
      } catch {
        await sleep(Math.min(100 * 2 ** attempt, 1000));
      }
    }
  };

  const compacted = async (): Promise<boolean> => {
    const key = Buffer.from(collection.keyPrefix);
    try {
      await store.call((o) => store.client.kv.range({ key, count_only: true, revision: next }, o));
      return false;
    } catch (err) {
      if (/compacted/.test(String(err))) return true;
      if (/future revision/.test(String(err))) return false;
      throw err;
    }
  };

  open();
  try {
    while (!signal.aborted) {
      const item = queue.shift();
      if (!item) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (item.type === "error") throw item.error;
      yield item;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    const w = watcher;
    watcher = undefined;
    if (w) await Promise.race([w.cancel().catch(() => undefined), sleep(1000)]);
  }
}
