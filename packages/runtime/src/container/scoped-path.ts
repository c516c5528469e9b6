import { lstat, readlink } from "node:fs/promises";
import { posix } from "node:path";

/** Symlinks followed before a path is refused (Linux's own limit). */
const MAX_LINKS = 40;

/**
 * The host path of container path `path` in a root filesystem seen at host path `root`, with every
 * symlink on the way resolved inside that root, as the container would see it: an absolute link
 * starts again at `root` and `..` never climbs above it, so a link such as `/tmp/x -> /etc` cannot
 * lead `cp` to the host's files. The last component is left as is (a link is copied as a link).
 * Components that do not exist are kept (a destination to create).
 */
export async function scopedPath(root: string, path: string): Promise<string> {
  const parts = posix.normalize(`/${path}`).split("/").filter(Boolean);
  const resolved: string[] = [];
  let links = 0;
  while (parts.length > 0) {
    const part = parts.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      resolved.pop();
      continue;
    }
    if (parts.length === 0) {
      resolved.push(part);
      break;
    }
    const here = posix.join(root, ...resolved, part);
    const st = await lstat(here).catch(() => undefined);
    if (!st?.isSymbolicLink()) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS)
      throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: "ELOOP" });
    const target = await readlink(here);
    if (target.startsWith("/")) resolved.length = 0;
    parts.unshift(...target.split("/").filter(Boolean));
  }
  return posix.join(root, ...resolved);
}
