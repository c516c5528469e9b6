import { posix } from "node:path";
import { invalidArgument } from "@tsc/core";
import { bundleLayout, mountRootfs, unmountRootfs } from "./bundle.js";
import type { ImageProvider } from "./prepare.js";
import { scopedPath } from "./scoped-path.js";
import type { ContainerRecord } from "./types.js";

/** Whether a container's processes run (its filesystem is then seen through /proc/PID/root). */
const runs = (rec: ContainerRecord): boolean => rec.status === "running" || rec.status === "paused";

/**
 * Runs `fn` with the host path of container path `path` (absolute), for `cp`: through the
 * process's root while the container runs; for one that does not, in the bind or volume it mounts
 * there (the longest mount target holding the path), else in its root filesystem, mounted for the
 * call. Symlinks on the way resolve inside the container (see scopedPath). `current` gives the
 * container's record as it is now (a start during the call keeps the mount it then needs).
 */
export async function withContainerPath<T>(
  rec: ContainerRecord,
  path: string,
  ctx: { dataRoot: string; images: ImageProvider; current: () => ContainerRecord | undefined },
  fn: (hostPath: string) => Promise<T>,
): Promise<T> {
  if (!path.startsWith("/")) throw invalidArgument(`container path ${JSON.stringify(path)} must be absolute`);
  if (runs(rec)) return fn(await scopedPath(`/proc/${rec.pid}/root`, path));
  const clean = posix.normalize(path);
  const mount = ((rec.runSpec ?? rec.spec).mounts ?? [])
    .filter((m) => m.type === "bind" && m.source && (clean === m.target || clean.startsWith(`${m.target}/`)))
    .sort((a, b) => b.target.length - a.target.length)[0];
  if (mount) return fn(await scopedPath(mount.source!, posix.relative(mount.target, clean)));
  const b = bundleLayout(ctx.dataRoot, rec.id);
  const image = await ctx.images.resolve(rec.imageId);
  await mountRootfs(b, image.layerDirs);
  try {
    return await fn(await scopedPath(b.rootfs, clean));
  } finally {
    const now = ctx.current();
    if (!now || !runs(now)) await unmountRootfs(b).catch(() => undefined);
  }
}
