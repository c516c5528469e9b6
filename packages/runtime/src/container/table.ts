import { alreadyExists, invalidArgument, TscError } from "@tsc/core";
import { randomName, VALID_NAME } from "./names.js";
import type { ContainerRecord } from "./types.js";

/** Whether a container counts as up for `ps` without `-a`. */
export function isUp(rec: ContainerRecord): boolean {
  return rec.status === "running" || rec.status === "paused" || rec.status === "restarting";
}

/**
 * The containers of one runtime by ID, and the lookups every runtime shares: a container by ID,
 * unique ID prefix or name (as `docker` resolves references), names that must be valid and unique,
 * and free random names. `T` is what the runtime keeps per container; `recordOf` finds its record.
 */
export class ContainerTable<T> {
  private readonly byId = new Map<string, T>();

  constructor(private readonly recordOf: (entry: T) => ContainerRecord) {}

  /** Adds or replaces the entry of container `id`. */
  set(id: string, entry: T): void {
    this.byId.set(id, entry);
  }

  /** Forgets container `id`. */
  delete(id: string): void {
    this.byId.delete(id);
  }

  /** The entry of exactly this ID, if any (no prefix or name lookup). */
  byExactId(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Every entry, in insertion order. */
  values(): IterableIterator<T> {
    return this.byId.values();
  }

  /**
   * The entry `ref` names: an ID, a unique ID prefix or a name (with or without its leading "/").
   * Throws NotFound (`No such container: REF`, Docker's words), or InvalidArgument for a prefix
   * that matches several containers.
   */
  get(ref: string): T {
    const name = ref.replace(/^\//, "");
    const exact = this.byId.get(ref) ?? this.find((r) => r.name === name);
    if (exact) return exact;
    const hits = ref.length === 0 ? [] : [...this.byId.keys()].filter((id) => id.startsWith(ref));
    if (hits.length === 1) return this.byId.get(hits[0]!)!;
    if (hits.length > 1)
      throw invalidArgument(`multiple containers match ID prefix ${JSON.stringify(ref)}`, {
        hint: "give more characters",
      });
    // Docker's words exactly: scripts look for "No such container".
    throw new TscError("NotFound", `No such container: ${ref}`);
  }

  /** Records of the containers that are up (all of them with `all`), newest first. */
  list(opts: { all?: boolean } = {}): ContainerRecord[] {
    return [...this.byId.values()]
      .map(this.recordOf)
      .filter((r) => opts.all || isUp(r))
      .sort((a, b) => b.created.localeCompare(a.created));
  }

  /**
   * `name` without its leading "/", once it is checked to be a valid container name that no other
   * container (than `self`, for a rename) holds; throws InvalidArgument or AlreadyExists otherwise.
   */
  claimableName(name: string, self?: string): string {
    const bare = name.replace(/^\//, "");
    if (!VALID_NAME.test(bare))
      throw invalidArgument(`invalid container name ${JSON.stringify(bare)}`, {
        hint: "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
      });
    const clash = this.find((r) => r.name === bare && r.id !== self);
    if (clash)
      throw alreadyExists("container name", `/${bare}`, {
        hint: `it is in use by container ${this.recordOf(clash).id.slice(0, 12)}; remove or rename that container`,
      });
    return bare;
  }

  /** A random name (adjective_scientist) no container holds. */
  freeName(): string {
    for (;;) {
      const n = randomName();
      if (!this.find((r) => r.name === n)) return n;
    }
  }

  private find(test: (rec: ContainerRecord) => boolean): T | undefined {
    for (const entry of this.byId.values()) if (test(this.recordOf(entry))) return entry;
    return undefined;
  }
}
