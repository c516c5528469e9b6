import type { ChangeFeed, CollectionCache } from "@tsc/store";
import type { Task } from "./objects.js";

/** Where a task was or is in a `TaskIndex`. */
export interface Indexed {
  key: string;
  task: Task;
}

/** One task's move in an index: where it was before the update and where it is now. */
export interface IndexChange {
  id: string;
  before?: Indexed;
  after?: Indexed;
}

/**
 * Tasks grouped by a key (their service, their node…), kept from the task cache's change feed so
 * a component's pass costs in proportion to what changed, not to every task in the cluster.
 * `keyOf` returns undefined for tasks the index leaves out.
 */
export class TaskIndex {
  private readonly groups = new Map<string, Map<string, Task>>();
  private readonly where = new Map<string, Indexed>();
  private readonly feed: ChangeFeed;

  constructor(
    private readonly cache: CollectionCache<Task>,
    private readonly keyOf: (t: Task) => string | undefined,
  ) {
    this.feed = cache.feed();
  }

  /** Applies the changes since the last call; `all` when the whole copy was (re)loaded. */
  update(): { all: boolean; changes: IndexChange[] } {
    const drained = this.feed.drain();
    const all = drained === "all";
    const ids = all ? new Set([...this.where.keys(), ...this.cache.values().map((v) => v.id)]) : drained;
    const changes: IndexChange[] = [];
    for (const id of ids) {
      const before = this.where.get(id);
      if (before) {
        const group = this.groups.get(before.key);
        group?.delete(id);
        if (group?.size === 0) this.groups.delete(before.key);
        this.where.delete(id);
      }
      const task = this.cache.get(id)?.value;
      const key = task && this.keyOf(task);
      let after: Indexed | undefined;
      if (task && key !== undefined) {
        after = { key, task };
        let group = this.groups.get(key);
        if (!group) this.groups.set(key, (group = new Map()));
        group.set(id, task);
        this.where.set(id, after);
      }
      changes.push({ id, ...(before ? { before } : {}), ...(after ? { after } : {}) });
    }
    return { all, changes };
  }

  /** The tasks under `key` (empty if none). */
  group(key: string): Task[] {
    return [...(this.groups.get(key)?.values() ?? [])];
  }

  /** Every key that has tasks. */
  keys(): string[] {
    return [...this.groups.keys()];
  }

  /** Every indexed task. */
  tasks(): Task[] {
    return [...this.where.values()].map((w) => w.task);
  }
}
