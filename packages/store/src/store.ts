import { Etcd3, isRecoverableError, GRPCDeadlineExceededError } from "etcd3";
import type { IRequestOp } from "etcd3";
import { invalidArgument, unavailable } from "@tsc/core";
import { Collection, keyOf, modIs } from "./collection.js";

/** A value with the revisions etcd gave it. */
export interface Versioned<T> {
  id: string;
  value: T;
  modRevision: number;
  createRevision: number;
}

/** One change seen by `Collection.watch`; `reset` replaces everything after a compaction. */
export type WatchEvent<T> =
  | { type: "put"; id: string; value: T; modRevision: number; prev?: T }
  | { type: "delete"; id: string; modRevision: number; prev?: T }
  | { type: "reset"; items: Versioned<T>[]; revision: number };

/** How to reach etcd. */
export interface EtcdStoreOptions {
  endpoints: string[];
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** Key prefix of every collection; default "/tsc/v1/". */
  prefix?: string;
  /** How long a call may take before it fails as Unavailable; default 3000. */
  dialTimeoutMs?: number;
}

const MAX_TXN_OPS = 128;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A fault-handling policy that just runs the call (etcd3's default circuit breaker stalls reconnects). */
const noopPolicy = {
  execute: <R>(fn: (ctx: { signal: AbortSignal }) => R) =>
    Promise.resolve().then(() => fn({ signal: new AbortController().signal })),
};
interface Backoff {
  duration: number;
  next(): Backoff;
}
/** Watch reconnect backoff: 100 ms doubling up to 1 s. */
const backoff = (ms: number): Backoff => ({ duration: ms, next: () => backoff(Math.min(ms * 2, 1000)) });

/** Typed, schema-versioned state in etcd: collections of JSON values under one key prefix. */
export class EtcdStore {
  /** The underlying etcd3 client (for leases/elections). */
  readonly client: Etcd3;
  private constructor(
    client: Etcd3,
    readonly prefix: string,
    private readonly endpoints: string[],
    private readonly timeoutMs: number,
  ) {
    this.client = client;
  }

  /** Creates a client; it connects lazily, so this never fails for an unreachable etcd. */
  static connect(opts: EtcdStoreOptions): EtcdStore {
    const timeoutMs = opts.dialTimeoutMs ?? 3000;
    const client = new Etcd3({
      hosts: opts.endpoints,
      dialTimeout: timeoutMs,
      credentials: opts.tls && {
        rootCertificate: opts.tls.ca,
        certChain: opts.tls.cert,
        privateKey: opts.tls.key,
      },
      faultHandling: {
        host: () => noopPolicy as never,
        global: noopPolicy as never,
        watchBackoff: { next: () => backoff(100) } as never,
      },
    });
    return new EtcdStore(client, opts.prefix ?? "/tsc/v1/", opts.endpoints, timeoutMs);
  }

  /** The collection of `kind` values, stored under `<prefix><kind>/<id>`. */
  collection<T>(kind: string, schemaVersion = 1): Collection<T> {
    return new Collection<T>(this, kind, schemaVersion);
  }

  /** Current store revision. */
  async revision(): Promise<number> {
    const res = await this.call((o) =>
      this.client.kv.range({ key: Buffer.from(this.prefix), count_only: true }, o),
    );
    return Number(res.header.revision);
  }

  /**
   * All-or-nothing writes across collections: each check compares a key's modRevision (0 = must
   * not exist); returns false if a check failed. Splits nothing: throws InvalidArgument above 128
   * checks or 128 writes (etcd's --max-txn-ops).
   */
  async txn(
    checks: { collection: Collection<unknown>; id: string; modRevision: number }[],
    puts: { collection: Collection<any>; id: string; value: unknown }[], // eslint-disable-line @typescript-eslint/no-explicit-any
    deletes: { collection: Collection<unknown>; id: string }[],
  ): Promise<boolean> {
    return (await this.txnAt(checks, puts, deletes)).succeeded;
  }

  /**
   * `txn`, also returning the store revision after it, and whether it changed anything (then that
   * revision is the one its writes carry, as watches will report them).
   */
  async txnAt(
    checks: { collection: Collection<unknown>; id: string; modRevision: number }[],
    puts: { collection: Collection<any>; id: string; value: unknown }[], // eslint-disable-line @typescript-eslint/no-explicit-any
    deletes: { collection: Collection<unknown>; id: string }[],
  ): Promise<{ succeeded: boolean; revision: number; changed: boolean }> {
    const writes = puts.length + deletes.length;
    if (checks.length > MAX_TXN_OPS || writes > MAX_TXN_OPS) {
      throw invalidArgument(
        `transaction has ${checks.length} checks and ${writes} writes; at most ${MAX_TXN_OPS} of each`,
      );
    }
    const success: IRequestOp[] = [
      ...puts.map((p) => ({
        request_put: { key: keyOf(p.collection, p.id), value: p.collection.encode(p.value) },
      })),
      ...deletes.map((d) => ({ request_delete_range: { key: keyOf(d.collection, d.id) } })),
    ];
    const compare = checks.map((c) => modIs(keyOf(c.collection, c.id), c.modRevision));
    const res = await this.call((o) => this.client.kv.txn({ compare, success, failure: [] }, o));
    const deleted = (res.responses ?? []).some((r) => Number(r.response_delete_range?.deleted ?? 0) > 0);
    return {
      succeeded: res.succeeded,
      revision: Number(res.header.revision),
      changed: res.succeeded && (puts.length > 0 || deleted),
    };
  }

  /**
   * Runs one etcd call with a deadline, retrying connection failures until the deadline, so an
   * unreachable etcd fails within about dialTimeoutMs. @internal
   */
  async call<R>(fn: (opts: { deadline: number }) => Promise<R>): Promise<R> {
    const deadline = Date.now() + this.timeoutMs;
    let lastError: unknown;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const left = deadline - Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<"timeout">(
        (resolve) => (timer = setTimeout(() => resolve("timeout"), left + 100)),
      );
      const pending = fn({ deadline });
      pending.catch(() => undefined);
      try {
        const res = await Promise.race([pending, timeout]);
        if (res !== "timeout") return res;
      } catch (err) {
        if (!isRecoverableError(err as Error) && !(err instanceof GRPCDeadlineExceededError)) throw err;
        lastError = err;
      } finally {
        clearTimeout(timer);
      }
      await sleep(Math.min(50 * 2 ** attempt, 500, Math.max(0, deadline - Date.now())));
    }
    throw unavailable(`etcd at ${this.endpoints.join(",")} is unreachable`, {
      hint: "start etcd or check --etcd-endpoints",
      cause: lastError,
    });
  }

  /** Closes the client; abort running watches first. */
  close(): void {
    this.client.close();
  }
}
