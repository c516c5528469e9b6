import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { invalidArgument } from "@tsc/core";
import type { ResolvedImage } from "../image/store.js";
import type { ContainerRecord, ContainerSpec, MountSpec, VolumeMountRecord } from "./types.js";

/** What containers need from the volume manager. */
export interface VolumeProvider {
  create(name: string, opts?: { labels?: Record<string, string> }): Promise<unknown>;
  mount(name: string, holder: string): Promise<{ path: string }>;
  unmount(name: string, holder: string): Promise<void>;
  remove(name: string, opts?: { force?: boolean }): Promise<void>;
  populateFrom(name: string, srcDir: string): Promise<boolean>;
}

/** The label Docker puts on the volumes it makes for a container (`-v /path`, an image's VOLUME); `volume prune` removes only these unless `-a`. */
export const ANONYMOUS_VOLUME_LABEL = "com.docker.volume.anonymous";

/** The image's content at `target` (topmost layer first), for copy-up into a new volume. */
function imagePath(image: ResolvedImage, target: string): string | undefined {
  for (const dir of [...image.layerDirs].reverse()) {
    const p = join(dir, target);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Resolves a container's volumes as Docker does: the spec's named and anonymous volumes, an
 * anonymous volume for every image `VOLUME` nothing else covers, and `volumesFrom` (another
 * container's volumes and binds, `:ro` to make them read-only). New, empty volumes get the image's
 * content at their target (copy-up) unless `nocopy`. Each volume is mounted with `holder` as user.
 */
export async function attachVolumes(opts: {
  provider: VolumeProvider;
  holder: string;
  spec: ContainerSpec;
  image: ResolvedImage;
  from: (ref: string) => ContainerRecord;
}): Promise<{ records: VolumeMountRecord[]; mounts: MountSpec[] }> {
  const { provider, holder, spec, image } = opts;
  const records: VolumeMountRecord[] = [];
  const mounts: MountSpec[] = [];
  const taken = new Set((spec.mounts ?? []).map((m) => m.target));
  const wanted: { name?: string; target: string; readOnly?: boolean; nocopy?: boolean }[] = [
    ...(spec.volumes ?? []),
  ];
  for (const target of Object.keys(image.config.Volumes ?? {}))
    if (!wanted.some((v) => v.target === target) && !taken.has(target)) wanted.push({ target });
  for (const ref of spec.volumesFrom ?? []) {
    const [source, mode] = ref.split(":");
    if (mode !== undefined && mode !== "ro" && mode !== "rw")
      throw invalidArgument(`invalid volumes-from mode ${JSON.stringify(mode)}`, {
        hint: "use CONTAINER[:ro|rw]",
      });
    const other = opts.from(source!);
    for (const v of other.volumes ?? [])
      wanted.push({
        name: v.name,
        target: v.target,
        readOnly: mode === "ro" || (mode === undefined && v.readOnly),
      });
    for (const m of other.spec.mounts ?? [])
      if (m.type === "bind") mounts.push({ ...m, readOnly: mode === "ro" || m.readOnly });
  }
  for (const v of wanted) {
    const anonymous = v.name === undefined;
    const name = v.name ?? randomBytes(32).toString("hex");
    await provider.create(name, anonymous ? { labels: { [ANONYMOUS_VOLUME_LABEL]: "" } } : undefined);
    const { path } = await provider.mount(name, holder);
    const src = v.nocopy ? undefined : imagePath(image, v.target);
    if (src) await provider.populateFrom(name, src);
    records.push({ name, target: v.target, readOnly: v.readOnly ?? false, anonymous });
    mounts.push({ type: "bind", source: path, target: v.target, readOnly: v.readOnly });
  }
  return { records, mounts };
}

/** Releases a container's volumes; anonymous ones are removed too when `removeAnonymous` (`rm -v`). */
export async function detachVolumes(
  provider: VolumeProvider,
  holder: string,
  records: readonly VolumeMountRecord[],
  removeAnonymous: boolean,
): Promise<void> {
  for (const v of records) {
    await provider.unmount(v.name, holder);
    if (v.anonymous && removeAnonymous) await provider.remove(v.name).catch(() => undefined);
  }
}
