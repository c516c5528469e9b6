import type { IKeyValue } from "etcd3";
import { alreadyExists, failedPrecondition, TscError } from "@tsc/core";
import type { EtcdStore, Versioned, WatchEvent } from "./store.js";
import { watchCollection } from "./watch.js";

const UPDATE_RETRIES = 20;
const LIST_PAGE = 500;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The first key after every key that starts with `prefix` (a range's `range_end`). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** A txn comparison: the key's mod_revision equals `modRevision` (0 = the key does not exist). */
export function modIs(key: Buffer, modRevision: number) {
  return { key, target: 2 /* Mod */, result: 0 /* Equal */, mod_revision: modRevision };
}

/** The etcd key of `id` in `collection`, as bytes. */
export function keyOf(collection: Collection<unknown>, id: string): Buffer {
  return Buffer.from(collection.key(id));
}

/** The values of one kind, as JSON `{"v": schemaVersion, "data": value}` under `<prefix><kind>/`. */
export class Collection<T> {
  /** The key prefix of this collection, `<prefix><kind>/`. */
  readonly keyPrefix: string;
  constructor(
    /** @internal */ readonly store: EtcdStore,
    readonly kind: string,
    readonly schemaVersion: number,
  ) {
    this.keyPrefix = `${store.prefix}${kind}/`;
  }

  /** The etcd key of `id`. */
  key(id: string): string {
    return this.keyPrefix + id;
  }

  /** The value stored under `id`, if any. */
  async get(id: string): Promise<Versioned<T> | undefined> {
    const res = await this.store.call((o) => this.store.client.kv.range({ key: keyOf(this, id) }, o));
    const kv = res.kvs[0];
    return kv && this.decode(kv);
  }

  /** The values stored under `ids` (at most 128), read in one transaction; missing ids are left out. */
  async getMany(ids: string[]): Promise<Versioned<T>[]> {
    if (ids.length === 0) return [];
    const success = ids.map((id) => ({ request_range: { key: keyOf(this, id) } }));
    const res = await this.store.call((o) =>
      this.store.client.kv.txn({ compare: [], success, failure: [] }, o),
    );
    return (res.responses ?? []).flatMap((r) => (r.response_range?.kvs ?? []).map((kv) => this.decode(kv)));
  }

  /** Every value, sorted by id, as of one revision. */
  async list(): Promise<{ items: Versioned<T>[]; revision: number }> {
    const items: Versioned<T>[] = [];
    const end = prefixEnd(Buffer.from(this.keyPrefix));
    let key = Buffer.from(this.keyPrefix);
    let revision = 0;
    for (;;) {
      const page = { key, range_end: end, limit: LIST_PAGE, revision };
      const res = await this.store.call((o) => this.store.client.kv.range(page, o));
      if (!revision) revision = Number(res.header.revision);
      items.push(...res.kvs.map((kv) => this.decode(kv)));
      const last = res.kvs[res.kvs.length - 1];
      if (!res.more || !last) return { items, revision };
      key = Buffer.concat([last.key, Buffer.from([0])]);
    }
  }

  /** Stores a new value; AlreadyExists if `id` is taken. Returns the revision of the write. */
  async create(id: string, value: T): Promise<number> {
    const key = keyOf(this, id);
    const compare = [modIs(key, 0)];
    const success = [{ request_put: { key, value: this.encode(value) } }];
    const res = await this.store.call((o) => this.store.client.kv.txn({ compare, success, failure: [] }, o));
    if (!res.succeeded) throw alreadyExists(this.kind, id);
    return Number(res.header.revision);
  }

  /** Stores `value` whatever is there, optionally attached to a lease. Returns the revision. */
  async put(id: string, value: T, opts: { lease?: string } = {}): Promise<number> {
    const req = { key: keyOf(this, id), value: this.encode(value), lease: opts.lease };
    const res = await this.store.call((o) => this.store.client.kv.put(req, o));
    return Number(res.header.revision);
  }

  /**
   * Read-modify-write with a txn on modRevision, retrying (up to 20 times with jitter) on
   * conflict; `fn` returns the new value, or undefined to leave it unchanged; returns the stored value.
   */
  async update(id: string, fn: (current: T | undefined) => T | undefined): Promise<T | undefined> {
    const key = keyOf(this, id);
    for (let attempt = 0; attempt <= UPDATE_RETRIES; attempt++) {
      const current = await this.get(id);
      const next = fn(current?.value);
      if (next === undefined) return current?.value;
      const compare = [modIs(key, current?.modRevision ?? 0)];
      const success = [{ request_put: { key, value: this.encode(next) } }];
      const res = await this.store.call((o) =>
        this.store.client.kv.txn({ compare, success, failure: [] }, o),
      );
      if (res.succeeded) return next;
      await sleep(Math.random() * Math.min(2 ** attempt * 5, 200));
    }
    throw new TscError(
      "Conflict",
      `${this.kind} "${id}" kept changing; gave up after ${UPDATE_RETRIES} retries`,
    );
  }

  /** Removes `id`; false if it was not there. */
  async delete(id: string): Promise<boolean> {
    const res = await this.store.call((o) => this.store.client.kv.deleteRange({ key: keyOf(this, id) }, o));
    return Number(res.deleted) > 0;
  }

  /**
   * Events after `fromRevision` (default: now). Resumes after a disconnect or an etcd restart from
   * the last revision it delivered, without losing or repeating events; if that revision was
   * compacted it yields a `reset` with a fresh list. Ends when `signal` aborts. `prev: false`
   * leaves out the previous values (half the traffic, for readers that keep their own copy).
   */
  watch(opts: { fromRevision?: number; signal: AbortSignal; prev?: boolean }): AsyncIterable<WatchEvent<T>> {
    return watchCollection(this, opts);
  }

  /** The stored form of `value`. @internal */
  encode(value: unknown): Buffer {
    return Buffer.from(JSON.stringify({ v: this.schemaVersion, data: value }));
  }

  /** Parses a stored value, refusing ones written by a newer schema. @internal */
  decodeValue(key: Buffer, raw: Buffer): T {
    const name = JSON.stringify(key.toString());
    let parsed: { v?: unknown; data?: unknown };
    try {
      parsed = JSON.parse(raw.toString()) as typeof parsed;
    } catch (cause) {
      throw failedPrecondition(`etcd key ${name} does not hold a tsc value`, { cause });
    }
    if (typeof parsed !== "object" || parsed === null || typeof parsed.v !== "number") {
      throw failedPrecondition(`etcd key ${name} does not hold a tsc value`);
    }
    if (parsed.v > this.schemaVersion) {
      throw failedPrecondition(
        `etcd key ${name} was written by a newer tsc (schema v${parsed.v}, this one reads up to v${this.schemaVersion})`,
        { hint: "upgrade tsc" },
      );
    }
    return parsed.data as T;
  }

  /** A stored key-value as a Versioned. @internal */
  decode(kv: IKeyValue): Versioned<T> {
    return {
      id: kv.key.toString().slice(this.keyPrefix.length),
      value: this.decodeValue(kv.key, kv.value),
      modRevision: Number(kv.mod_revision),
      createRevision: Number(kv.create_revision),
    };
  }
}
