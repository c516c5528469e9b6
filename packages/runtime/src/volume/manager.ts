import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "@tsc/core";
import { isMounted } from "../container/bundle.js";
import { run } from "../util/exec.js";
import { diskUsage, writeFileAtomic } from "../util/fs.js";
import { ANONYMOUS_VOLUME_LABEL } from "../container/volumes.js";

/** What `volume create` takes. */
export interface VolumeCreateOptions {
  driver?: "local";
  /** The local driver's `type`, `o` and `device` (as for mount(8)). */
  options?: { type?: string; o?: string; device?: string };
  labels?: Record<string, string>;
}

/** A volume as stored. */
interface VolumeFile {
  name: string;
  driver: "local";
  options: Record<string, string>;
  labels: Record<string, string>;
  created: string;
  /** Containers using it; it cannot be removed while any remain. */
  holders: string[];
}

/** `volume inspect` output (Docker's field names). */
export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: "local";
  UsedBy: string[];
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The options of the local driver (mount(8)'s type, device and options). */
const LOCAL_OPTIONS = new Set(["type", "device", "o"]);

/**
 * Named volumes under `<dataRoot>/volumes/<name>/_data`, with the local driver's options: with a
 * `type`/`device` the device is mounted on `_data` while the volume has holders (bind with
 * `o=bind`, tmpfs, nfs … anything mount(8) knows). Holders are persisted, so a restarted runtime
 * still knows what is in use.
 */
export class VolumeManager {
  private readonly root: string;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataRoot: string) {
    this.root = join(dataRoot, "volumes");
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * `volume create`, and a container's use of a volume by name. Without `options` (a container's
   * `-v NAME:/path`) an existing volume is used as it is; an explicit create is idempotent for the
   * same options and AlreadyExists for other ones. Options the local driver does not know are
   * refused, as Docker's `invalid option key`.
   */
  create(name: string, opts: VolumeCreateOptions = {}): Promise<VolumeInfo> {
    return this.serial(async () => {
      if (!NAME.test(name))
        throw invalidArgument(`invalid volume name ${JSON.stringify(name)}`, {
          hint: "use [a-zA-Z0-9][a-zA-Z0-9_.-]*",
        });
      if ((opts.driver ?? "local") !== "local")
        throw invalidArgument(`volume driver ${JSON.stringify(opts.driver)} is not supported`, {
          hint: "use the local driver",
        });
      const options = Object.fromEntries(
        Object.entries(opts.options ?? {}).filter(([, v]) => v !== undefined),
      ) as Record<string, string>;
      for (const key of Object.keys(options))
        if (!LOCAL_OPTIONS.has(key))
          throw invalidArgument(`create ${name}: invalid option key: ${JSON.stringify(key)}`, {
            hint: "the local driver takes type, device and o (mount's -t, device and -o)",
          });
      if (existsSync(this.file(name))) {
        const cur = await this.load(name);
        if (opts.options !== undefined && JSON.stringify(cur.options) !== JSON.stringify(options))
          throw alreadyExists("volume", name, { hint: "it exists with other options; remove it first" });
        return this.info(cur);
      }
      const vol: VolumeFile = {
        name,
        driver: "local",
        options,
        labels: opts.labels ?? {},
        created: new Date().toISOString(),
        holders: [],
      };
      await mkdir(this.dataDir(name), { recursive: true });
      await this.save(vol);
      return this.info(vol);
    });
  }

  /** `volume inspect`. */
  async inspect(name: string): Promise<VolumeInfo> {
    return this.info(await this.load(name));
  }

  /** `volume ls`. */
  async list(): Promise<VolumeInfo[]> {
    if (!existsSync(this.root)) return [];
    const names = (await readdir(this.root)).filter((n) => existsSync(this.file(n)));
    return Promise.all(names.map((n) => this.inspect(n)));
  }

  /** Adds a holder and returns the host directory to bind into the container (mounting the device first if needed). */
  mount(name: string, holder: string): Promise<{ path: string }> {
    return this.serial(async () => {
      const vol = await this.load(name);
      const data = this.dataDir(name);
      if (vol.options.device && !(await isMounted(data))) {
        const o = vol.options.o ? ["-o", vol.options.o] : [];
        const t = vol.options.type && vol.options.type !== "none" ? ["-t", vol.options.type] : [];
        await run("mount", [...t, ...o, vol.options.device, data]);
      }
      if (!vol.holders.includes(holder)) vol.holders.push(holder);
      await this.save(vol);
      return { path: data };
    });
  }

  /** Drops a holder; the device is unmounted when the last one goes. */
  unmount(name: string, holder: string): Promise<void> {
    return this.serial(async () => {
      const vol = await this.load(name);
      vol.holders = vol.holders.filter((h) => h !== holder);
      if (vol.holders.length === 0 && (await isMounted(this.dataDir(name))))
        await run("umount", [this.dataDir(name)]);
      await this.save(vol);
    });
  }

  /** Copies an image directory's content into a new, empty volume (Docker's copy-up on first use). */
  async populateFrom(name: string, srcDir: string): Promise<boolean> {
    const data = this.dataDir(name);
    if (!existsSync(srcDir) || (await readdir(data)).length > 0) return false;
    await run("cp", ["-a", `${srcDir}/.`, data]);
    return true;
  }

  /** `volume rm`: refused while in use (FailedPrecondition) unless `force`. */
  remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    return this.serial(async () => {
      const vol = await this.load(name);
      if (vol.holders.length > 0 && !opts.force)
        throw failedPrecondition(
          `remove ${name}: volume is in use - [${vol.holders.map((h) => h.slice(0, 12)).join(", ")}]`,
          { hint: "remove the containers using it first" },
        );
      if (await isMounted(this.dataDir(name))) await run("umount", [this.dataDir(name)]);
      await rm(join(this.root, name), { recursive: true, force: true });
    });
  }

  /**
   * `volume prune`: removes the anonymous volumes nothing uses (every unused one with `all`, as
   * Docker's `-a`); returns their names and the bytes their data took.
   */
  async prune(opts: { all?: boolean } = {}): Promise<{ names: string[]; spaceReclaimed: number }> {
    const names: string[] = [];
    let spaceReclaimed = 0;
    for (const v of await this.list()) {
      if (v.UsedBy.length > 0 || (!opts.all && !(ANONYMOUS_VOLUME_LABEL in v.Labels))) continue;
      const size = await diskUsage(v.Mountpoint);
      await this.remove(v.Name);
      names.push(v.Name);
      spaceReclaimed += size;
    }
    return { names, spaceReclaimed };
  }

  private file(name: string): string {
    return join(this.root, name, "volume.json");
  }

  private dataDir(name: string): string {
    return join(this.root, name, "_data");
  }

  private async load(name: string): Promise<VolumeFile> {
    try {
      return JSON.parse(await readFile(this.file(name), "utf8")) as VolumeFile;
    } catch {
      throw notFound("volume", name);
    }
  }

  private async save(vol: VolumeFile): Promise<void> {
    await writeFileAtomic(this.file(vol.name), JSON.stringify(vol, null, 2));
  }

  private info(v: VolumeFile): VolumeInfo {
    return {
      Name: v.name,
      Driver: v.driver,
      Mountpoint: this.dataDir(v.name),
      CreatedAt: v.created,
      Labels: v.labels,
      Options: v.options,
      Scope: "local",
      UsedBy: [...v.holders],
    };
  }
}
