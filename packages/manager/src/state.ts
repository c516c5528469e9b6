import type { Collection, EtcdStore, Versioned } from "@tsc/store";
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
  createdAt: string;
  updatedAt: string;
}

/** Address bookkeeping of one network: which task holds which address. */
export interface IpamRecord {
  subnet: string;
  gateway: string;
  owners: Record<string, string>;
}

/** The manager's collections in etcd (`/tsc/v1/<kind>/<id>`). */
export class ClusterState {
  readonly stacks: Collection<StoredStack>;
  readonly services: Collection<StoredService>;
  readonly tasks: Collection<Task>;
  readonly nodes: Collection<NodeRecord>;
  readonly networks: Collection<NetworkAllocation>;
  readonly ipam: Collection<IpamRecord>;

  constructor(readonly store: EtcdStore) {
    this.stacks = store.collection<StoredStack>("stacks");
    this.services = store.collection<StoredService>("services");
    this.tasks = store.collection<Task>("tasks");
    this.nodes = store.collection<NodeRecord>("nodes");
    this.networks = store.collection<NetworkAllocation>("networks");
    this.ipam = store.collection<IpamRecord>("ipam");
  }
}

/** `<project>_<service>`: a service's ID. */
export function serviceId(project: string, service: string): string {
  return `${project}_${service}`;
}

/** Operations per batched transaction (etcd allows 128 compares and 128 writes). */
const BATCH = 100;

/**
 * Applies `fn` to many values read earlier (with their mod_revisions), in batched transactions
 * that each check every value's mod_revision; a batch that lost a race to another writer is redone
 * value by value with `update`. Batches run in parallel. This is what lets the manager move
 * thousands of tasks per second through etcd instead of one transaction each.
 */
export async function updateMany<T>(
  store: EtcdStore,
  coll: Collection<T>,
  items: Versioned<T>[],
  fn: (cur: T) => T | undefined,
): Promise<void> {
  const changes = items.flatMap((v) => {
    const next = fn(v.value);
    return next === undefined ? [] : [{ v, next }];
  });
  const chunks: (typeof changes)[] = [];
  for (let i = 0; i < changes.length; i += BATCH) chunks.push(changes.slice(i, i + BATCH));
  await Promise.all(
    chunks.map(async (chunk) => {
      const ok = await store.txn(
        chunk.map((c) => ({
          collection: coll as Collection<unknown>,
          id: c.v.id,
          modRevision: c.v.modRevision,
        })),
        chunk.map((c) => ({ collection: coll, id: c.v.id, value: c.next })),
        [],
      );
      if (!ok)
        await Promise.all(
          chunk.map((c) => coll.update(c.v.id, (cur) => (cur === undefined ? undefined : fn(cur)))),
        );
    }),
  );
}

/** Creates many values (each must not exist yet) in batched transactions, in parallel. */
export async function createMany<T>(
  store: EtcdStore,
  coll: Collection<T>,
  items: { id: string; value: T }[],
): Promise<void> {
  const chunks: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += BATCH) chunks.push(items.slice(i, i + BATCH));
  await Promise.all(
    chunks.map((chunk) =>
      store.txn(
        chunk.map((c) => ({ collection: coll as Collection<unknown>, id: c.id, modRevision: 0 })),
        chunk.map((c) => ({ collection: coll, id: c.id, value: c.value })),
        [],
      ),
    ),
  );
}

/** Deletes many values in batched transactions, in parallel. */
export async function deleteMany<T>(store: EtcdStore, coll: Collection<T>, ids: string[]): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) chunks.push(ids.slice(i, i + BATCH));
  await Promise.all(
    chunks.map((chunk) =>
      store.txn(
        [],
        [],
        chunk.map((id) => ({ collection: coll as Collection<unknown>, id })),
      ),
    ),
  );
}
