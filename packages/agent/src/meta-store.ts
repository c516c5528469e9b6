import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContainerMeta } from "./types.js";

/**
 * The agent's own per-container state (network sandbox, endpoints, ports, healthcheck, auto-remove),
 * one JSON file per container under `<dataRoot>/agent/containers`, cached in memory so lookups on the
 * DNS path never touch the disk.
 */
export class MetaStore {
  private readonly byId = new Map<string, ContainerMeta>();
  private readonly dir: string;

  constructor(dataRoot: string) {
    this.dir = join(dataRoot, "agent", "containers");
  }

  /** Loads every file. */
  async load(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const f of await readdir(this.dir)) {
      if (!f.endsWith(".json")) continue;
      const meta = JSON.parse(await readFile(join(this.dir, f), "utf8")) as ContainerMeta;
      this.byId.set(meta.id, meta);
    }
  }

  /** The meta of a container, if the agent made it. */
  get(id: string): ContainerMeta | undefined {
    return this.byId.get(id);
  }

  /** Every meta. */
  all(): ContainerMeta[] {
    return [...this.byId.values()];
  }

  /** Saves (and caches) a meta. */
  async save(meta: ContainerMeta): Promise<void> {
    this.byId.set(meta.id, meta);
    const tmp = join(this.dir, `.${meta.id}.tmp`);
    await writeFile(tmp, JSON.stringify(meta, null, 2));
    await rename(tmp, join(this.dir, `${meta.id}.json`));
  }

  /** Forgets a container. */
  async delete(id: string): Promise<void> {
    this.byId.delete(id);
    const f = join(this.dir, `${id}.json`);
    if (existsSync(f)) await rm(f, { force: true });
  }
}
