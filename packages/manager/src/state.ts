import type { Collection, EtcdStore, Versioned } from "@tsc/store";
import { TscError } from "@tsc/core";
import { CollectionCache } from "@tsc/store";
import type { NetworkAllocation, NodeRecord, StackSpec, Task } from "./objects.js";

/** A stack as stored (its services are separate objects). */
export interface StoredStack extends Omit<StackSpec, "services"> {
  createdAt: string;
  updatedAt: string;
}

/** A service as stored. */
export interface StoredService {
  project: string;
  spec: StackSpec["services"][number];
  version: number;
  /** `stop`: no tasks run until `start` clears it. */
  stopped?: boolean;
  /**
   * Set by `up --force-recreate`, and when a service it depends on was recreated: its tasks run
   * the config hash with this appended (see taskHash), so a new token replaces them while the
   * stored config hash stays the compose file's, for the next `up` to compare.
   */
  recreateToken?: string;
  createdAt: string;
  updatedAt: string;
}

/** A service as views show it: with the config hash its tasks must have. */
export interface ServiceView extends StoredService {
  taskHash: string;
}

/** The configuration a service's tasks must have: its config hash, with its recreate token. */
export function taskHash(svc: StoredService): string {
  return svc.recreateToken ? `${svc.spec.configHash}+${svc.recreateToken}` : svc.spec.configHash;
}

/** Address bookkeeping of one network: which task holds which address. */
export interface IpamRecord {
  subnet: string;
  gateway: string;
  owners: Record<string, string>;
}

/** The manager's collections in etcd (`/tsc/v1/<kind>/<id>`), and in-memory copies of them. */
export class ClusterState {
  readonly stacks: Collection<StoredStack>;
  readonly services: Collection<StoredService>;
  readonly tasks: Collection<Task>;
  readonly nodes: Collection<NodeRecord>;
  readonly networks: Collection<NetworkAllocation>;
  readonly ipam: Collection<IpamRecord>;
  /**
   * Copies the manager's components read instead of listing etcd on every pass (a pass over
   * 10,000 tasks would otherwise move megabytes per pass); started by `ready()`.
   */
  readonly cache: {
    stacks: CollectionCache<StoredStack>;
    services: CollectionCache<StoredService>;
    tasks: CollectionCache<Task>;
    nodes: CollectionCache<NodeRecord>;
    networks: CollectionCache<NetworkAllocation>;
    ipam: CollectionCache<IpamRecord>;
  };
  private readonly starts = new Map<CollectionCache<unknown>, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(readonly store: EtcdStore) {
    this.stacks = store.collection<StoredStack>("stacks");
    this.services = store.collection<StoredService>("services");
    this.tasks = store.collection<Task>("tasks");
    this.nodes = store.collection<NodeRecord>("nodes");
    this.networks = store.collection<NetworkAllocation>("networks");
    this.ipam = store.collection<IpamRecord>("ipam");
    this.cache = {
      stacks: new CollectionCache(this.stacks),
      services: new CollectionCache(this.services),
      tasks: new CollectionCache(this.tasks),
      nodes: new CollectionCache(this.nodes),
      networks: new CollectionCache(this.networks),
      ipam: new CollectionCache(this.ipam),
    };
  }

  /**
   * Resolves when every cache holds a full copy, starting the ones not started yet and restarting
   * any whose watch failed (or whose first list failed: etcd away). Rejects while etcd is unreadable.
   */
  async ready(): Promise<void> {
    if (this.abort.signal.aborted) throw new Error("cluster state is closed");
    const all = Object.values(this.cache) as CollectionCache<unknown>[];
    for (const c of all) {
      if (this.starts.has(c) && !c.failed) continue;
      const p = c.start(this.abort.signal);
      p.catch(() => this.starts.delete(c));
      this.starts.set(c, p);
    }
    await Promise.all(all.map((c) => this.starts.get(c)));
  }

  /** Stops the caches' watches and waits for them. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(Object.values(this.cache).map((c: CollectionCache<unknown>) => c.stopped()));
  }
}

/** `<project>_<service>`: a service's ID. */
export function serviceId(project: string, service: string): string {
  return `${project}_${service}`;
}

/** Operations per batched transaction (etcd allows 128 compares and 128 writes). */
const BATCH = 100;

/** `items` in runs of at most BATCH. */
function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/**
 * Applies `fn` to many values read earlier (with their mod_revisions), in batched transactions
 * that each check every value's mod_revision; a batch that lost a race to another writer (or was
 * built from a copy that is behind) is read again in one request and retried, a few times, then
 * value by value. Batches run in parallel. Returns the highest revision written, for
 * `CollectionCache.waitFor`. This is what lets the manager move thousands of tasks per second
 * through etcd instead of one transaction each.
 */
export async function updateMany<T>(
  store: EtcdStore,
  coll: Collection<T>,
  items: Versioned<T>[],
  fn: (cur: T) => T | undefined,
): Promise<number> {
  let revision = 0;
  const attempt = async (chunk: Versioned<T>[]): Promise<Versioned<T>[]> => {
    const changes = chunk.flatMap((v) => {
      const next = fn(v.value);
      return next === undefined ? [] : [{ v, next }];
    });
    if (changes.length === 0) return [];
    const res = await store.txnAt(
      changes.map((c) => ({
        collection: coll as Collection<unknown>,
        id: c.v.id,
        modRevision: c.v.modRevision,
      })),
      changes.map((c) => ({ collection: coll, id: c.v.id, value: c.next })),
      [],
    );
    if (res.changed) revision = Math.max(revision, res.revision);
    return res.succeeded ? [] : changes.map((c) => c.v);
  };
  await Promise.all(
    batches(items).map(async (chunk) => {
      let left = await attempt(chunk);
      for (let retry = 0; left.length > 0 && retry < 3; retry++)
        left = await attempt(await coll.getMany(left.map((v) => v.id)));
      await Promise.all(
        left.map((v) => coll.update(v.id, (cur) => (cur === undefined ? undefined : fn(cur)))),
      );
    }),
  );
  return revision;
}

/**
 * Creates or changes many values by ID: each batch is read in one request, `fn` decides every
 * value from the current one (undefined when absent) and returns the new value (undefined: leave
 * it) with a result, and one transaction writes the batch if none of what it read has changed
 * meanwhile (absent values still absent). A batch that lost a race is read and decided again, a few
 * times, then the call fails with Conflict. Batches run in parallel. Returns each ID's result from
 * the attempt that was written. `up` of 20 services was 40 sequential etcd round trips before.
 */
export async function upsertMany<T, R>(
  store: EtcdStore,
  coll: Collection<T>,
  ids: string[],
  fn: (id: string, cur: T | undefined) => { value: T | undefined; result: R },
): Promise<Map<string, R>> {
  const results = new Map<string, R>();
  await Promise.all(
    batches(ids).map(async (chunk) => {
      for (let attempt = 0; attempt < UPSERT_ATTEMPTS; attempt++) {
        const current = new Map((await coll.getMany(chunk)).map((v) => [v.id, v]));
        const decided = chunk.map((id) => ({ id, ...fn(id, current.get(id)?.value) }));
        const puts = decided.flatMap((d) =>
          d.value === undefined ? [] : [{ collection: coll, id: d.id, value: d.value }],
        );
        const checks = chunk.map((id) => ({
          collection: coll as Collection<unknown>,
          id,
          modRevision: current.get(id)?.modRevision ?? 0,
        }));
        if (puts.length === 0 || (await store.txnAt(checks, puts, [])).succeeded) {
          for (const d of decided) results.set(d.id, d.result);
          return;
        }
      }
      throw new TscError("Conflict", `${coll.kind} kept changing; gave up after ${UPSERT_ATTEMPTS} attempts`);
    }),
  );
  return results;
}

const UPSERT_ATTEMPTS = 10;

/**
 * Creates many values (each must not exist yet) in batched transactions, in parallel; returns the
 * highest revision written (0 if none), for `CollectionCache.waitFor`.
 */
export async function createMany<T>(
  store: EtcdStore,
  coll: Collection<T>,
  items: { id: string; value: T }[],
): Promise<number> {
  const results = await Promise.all(
    batches(items).map((chunk) =>
      store.txnAt(
        chunk.map((c) => ({ collection: coll as Collection<unknown>, id: c.id, modRevision: 0 })),
        chunk.map((c) => ({ collection: coll, id: c.id, value: c.value })),
        [],
      ),
    ),
  );
  return Math.max(0, ...results.map((r) => (r.changed ? r.revision : 0)));
}

/** Deletes many values in batched transactions, in parallel; returns the highest revision seen. */
export async function deleteMany<T>(store: EtcdStore, coll: Collection<T>, ids: string[]): Promise<number> {
  const results = await Promise.all(
    batches(ids).map((chunk) =>
      store.txnAt(
        [],
        [],
        chunk.map((id) => ({ collection: coll as Collection<unknown>, id })),
      ),
    ),
  );
  return Math.max(0, ...results.map((r) => (r.changed ? r.revision : 0)));
}
