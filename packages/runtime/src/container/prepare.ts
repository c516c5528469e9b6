import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { failedPrecondition, invalidArgument } from "@tsc/core";
import type { ResolvedImage } from "../image/store.js";
import { bundleLayout, removeBundle, writeBundleFiles, writeOciConfig } from "./bundle.js";
import { generateOciSpec } from "./spec.js";
import type { ContainerRecord, ContainerSpec, MountSpec, VolumeMountRecord } from "./types.js";
import { resolveUser } from "./users.js";
import type { VolumeProvider } from "./volumes.js";
import { attachVolumes, detachVolumes } from "./volumes.js";

/** What the container manager needs from the image store. */
export interface ImageProvider {
  resolve(ref: string): Promise<ResolvedImage>;
  retain(imageId: string, holder: string): Promise<void>;
  release(imageId: string, holder: string): Promise<void>;
}

/** What preparing a bundle uses: where bundles live, the image and volume stores, `--init`'s binary. */
export interface BundleContext {
  dataRoot: string;
  images: ImageProvider;
  volumes?: VolumeProvider;
  initBinary?: string;
  /** The capabilities a privileged container gets (the engine's bounding set). */
  boundingSet?: readonly string[];
  /** Finds a container by reference (for `--volumes-from`). */
  lookup: (ref: string) => ContainerRecord;
}

/** A prepared container: the volumes it holds and its spec as it runs (with their mounts). */
export interface PreparedContainer {
  volumes: VolumeMountRecord[];
  runSpec: ContainerSpec;
}

/**
 * Writes container `id`'s OCI config for `spec` on `image`, with its user resolved against the
 * image's /etc/passwd and /etc/group.
 */
export async function writeContainerConfig(
  ctx: BundleContext,
  id: string,
  spec: ContainerSpec,
  image: ResolvedImage,
  hostname: string,
): Promise<void> {
  const b = bundleLayout(ctx.dataRoot, id);
  const user = await resolveUser(image.layerDirs, spec.user ?? image.config.User);
  await writeOciConfig(
    b,
    generateOciSpec({
      id,
      spec,
      image: image.config,
      user,
      hostname,
      files: { ...b, initBinary: ctx.initBinary },
      boundingSet: ctx.boundingSet,
    }),
  );
}

/**
 * Makes sure the host path of every bind exists: a missing one is created as a directory when the
 * bind asks for it (`-v /host:/ctr`, as dockerd does), refused otherwise (`--mount type=bind`).
 */
export async function prepareBindSources(mounts: readonly MountSpec[] = []): Promise<void> {
  for (const m of mounts) {
    if (m.type !== "bind" || m.source === undefined || existsSync(m.source)) continue;
    if (!m.createSource)
      throw invalidArgument(
        `invalid mount config for type "bind": bind source path does not exist: ${m.source}`,
      );
    await mkdir(m.source, { recursive: true, mode: 0o755 });
  }
}

/**
 * Makes container `id`'s bundle: its directory, its volumes (named, anonymous, from the image's
 * VOLUMEs and `--volumes-from`), its hosts/hostname/resolv.conf files and OCI config, and a hold
 * on its image. A failure undoes every step before the error is rethrown.
 */
export async function prepareBundle(
  ctx: BundleContext,
  id: string,
  spec: ContainerSpec,
  image: ResolvedImage,
  hostname: string,
): Promise<PreparedContainer> {
  const b = bundleLayout(ctx.dataRoot, id);
  let volumes: VolumeMountRecord[] = [];
  await prepareBindSources(spec.mounts);
  try {
    await mkdir(b.dir, { recursive: true });
    const attached = await attachContainerVolumes(ctx, id, spec, image);
    volumes = attached.records;
    const runSpec = attached.mounts.length
      ? { ...spec, mounts: [...(spec.mounts ?? []), ...attached.mounts] }
      : spec;
    // Independent writes, done together. A shared network namespace is resolved at each start
    // (the manager's launch), so such a container has no config yet.
    await Promise.all([
      writeBundleFiles(b, {
        hostname,
        domainname: spec.domainname,
        extraHosts: spec.extraHosts,
        dns: spec.dns,
      }),
      spec.network?.type !== "container" && writeContainerConfig(ctx, id, runSpec, image, hostname),
      ctx.images.retain(image.id, id),
    ]);
    return { volumes, runSpec };
  } catch (e) {
    if (volumes.length && ctx.volumes)
      await detachVolumes(ctx.volumes, id, volumes, true).catch(() => undefined);
    await ctx.images.release(image.id, id).catch(() => undefined);
    await removeBundle(b).catch(() => undefined);
    throw e;
  }
}

async function attachContainerVolumes(
  ctx: BundleContext,
  id: string,
  spec: ContainerSpec,
  image: ResolvedImage,
): Promise<Awaited<ReturnType<typeof attachVolumes>>> {
  const wants =
    (spec.volumes?.length ?? 0) +
    (spec.volumesFrom?.length ?? 0) +
    Object.keys(image.config.Volumes ?? {}).length;
  if (wants === 0) return { records: [], mounts: [] };
  if (!ctx.volumes)
    throw failedPrecondition("this runtime was started without a volume manager; volumes are unavailable");
  return attachVolumes({ provider: ctx.volumes, holder: id, spec, image, from: ctx.lookup });
}
