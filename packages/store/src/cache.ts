import type { Collection } from "./collection.js";
import type { Versioned } from "./store.js";

/**
 * What changed in a cache since its reader last asked: the ids put or deleted, or "all" (at
 * first, and after the copy was replaced by a fresh list). Lets a reader do work in proportion to
 * the changes rather than to the collection.
 */
export class ChangeFeed {
  private ids = new Set<string>();
  private everything = true;

  /** Notes a change of `id`. @internal */
  add(id: string): void {
    if (!this.everything) this.ids.add(id);
  }

  /** Notes that everything may have changed. @internal */
  reset(): void {
    this.everything = true;
    this.ids.clear();
  }

  /** The changes since the last call (and forgets them). */
  drain(): Set<string> | "all" {
    if (this.everything) {
      this.everything = false;
      return "all";
    }
    const out = this.ids;
    this.ids = new Set();
    return out;
  }
}

/**
 * An in-memory copy of one collection (SwarmKit's memory store, fed from etcd): one list, then the
 * collection's watch applied event by event. Readers get every value without a round trip to etcd;
 * each value keeps its mod_revision, so writes made from a cached value still go through etcd's
 * mod_revision checks and a stale copy can never overwrite newer data, only lose a race and retry.
 *
 * Read-your-writes: after writing, a reader calls `waitFor(revision of the write)` before its next
 * read. `start` must be called once; if the watch fails the cache reports it and `start` may be
 * called again (a fresh list).
 */
export class CollectionCache<T> {
  private items = new Map<string, Versioned<T>>();
  private readonly listeners = new Set<() => void>();
  private readonly feeds: ChangeFeed[] = [];
  private waiters: { revision: number; resolve: () => void }[] = [];
  private settleScheduled = false;
  private loop: Promise<void> | undefined;
  private failure: unknown;
  /** The revision of the latest event applied (or of the initial list). */
  revision = 0;

  constructor(readonly collection: Collection<T>) {}

  /**
   * Lists the collection and follows its watch until `signal` aborts. Resolves once the list is
   * in (rejects if etcd cannot be read); `onError` hears a watch that failed afterwards.
   */
  async start(signal: AbortSignal, onError: (e: unknown) => void = () => undefined): Promise<void> {
    const { items, revision } = await this.collection.list();
    this.replace(items, revision);
    this.failure = undefined;
    this.loop = (async () => {
      try {
        for await (const ev of this.collection.watch({ fromRevision: revision, signal, prev: false })) {
          if (ev.type === "reset") {
            this.replace(ev.items, ev.revision);
            continue;
          }
          if (ev.type === "put") {
            const createRevision = this.items.get(ev.id)?.createRevision ?? ev.modRevision;
            this.items.set(ev.id, {
              id: ev.id,
              value: ev.value,
              modRevision: ev.modRevision,
              createRevision,
            });
          } else this.items.delete(ev.id);
          for (const f of this.feeds) f.add(ev.id);
          this.advance(ev.modRevision);
        }
      } catch (e) {
        if (!signal.aborted) {
          this.failure = e;
          onError(e);
          for (const fn of this.listeners) fn();
        }
      }
    })();
  }

  /** Waits for the watch loop to end (after the signal given to `start` aborts). */
  async stopped(): Promise<void> {
    await this.loop;
  }

  /** Whether the watch failed (the copy is no longer kept current). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The cached value of `id`. */
  get(id: string): Versioned<T> | undefined {
    return this.items.get(id);
  }

  /** Every cached value (in no particular order). */
  values(): Versioned<T>[] {
    return [...this.items.values()];
  }

  /** How many values are cached. */
  get size(): number {
    return this.items.size;
  }

  /** Calls `fn` after every applied change (coalesced per event-loop turn); returns an unsubscribe. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Resolves once every event up to `revision` is applied, or after `timeoutMs` (a write that
   * changed nothing in this collection produces no event; the caller then reads a copy that may
   * be a little behind, which mod_revision checks make safe).
   */
  waitFor(revision: number, timeoutMs = 2000): Promise<void> {
    if (revision <= this.revision) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // A waiter that times out leaves the list (long polls time out on every idle second).
      const waiter = { revision, resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** A new feed of this cache's changes (its first `drain` says "all"). */
  feed(): ChangeFeed {
    const f = new ChangeFeed();
    this.feeds.push(f);
    return f;
  }

  private replace(items: Versioned<T>[], revision: number): void {
    this.items = new Map(items.map((v) => [v.id, v] as const));
    for (const f of this.feeds) f.reset();
    this.advance(revision);
  }

  /**
   * Records progress. Waiters and listeners run on the next macrotask, so every event of one etcd
   * revision (a transaction arrives as several events in one watch response) is applied first.
   */
  private advance(revision: number): void {
    this.revision = Math.max(this.revision, revision);
    if (this.settleScheduled) return;
    this.settleScheduled = true;
    setImmediate(() => {
      this.settleScheduled = false;
      const ready = this.waiters.filter((w) => w.revision <= this.revision);
      this.waiters = this.waiters.filter((w) => w.revision > this.revision);
      for (const w of ready) w.resolve();
      for (const fn of this.listeners) fn();
    });
  }
}
