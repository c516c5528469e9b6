import { lstat, readdir, rm as rmPath } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../util/exec.js";
import { RUNTIME_FILE_MOUNTS } from "./spec.js";

/** One filesystem change, as `docker diff` reports it: C(hanged), A(dded) or D(eleted). */
export interface FsChange {
  Kind: 0 | 1 | 2;
  Path: string;
}

/** Docker's change kinds. */
export const CHANGE_MODIFIED = 0;
/** Added. */
export const CHANGE_ADDED = 1;
/** Deleted. */
export const CHANGE_DELETED = 2;

async function existsInLowers(lowers: string[], rel: string): Promise<boolean> {
  for (const l of lowers)
    if (
      await lstat(join(l, rel)).then(
        () => true,
        () => false,
      )
    )
      return true;
  return false;
}

/** Upper-dir paths (relative) of the runtime's mount points. */
const MOUNT_POINTS = RUNTIME_FILE_MOUNTS.map((d) => d.slice(1));

/**
 * The upper dir's entries that are not the container's own: the empty files runc creates as mount
 * points for the runtime's files (RUNTIME_FILE_MOUNTS) when the image lacks them, and directories
 * that hold nothing else. Docker keeps these in an "init" layer, outside `diff` and `commit`.
 */
async function runtimeEntries(upper: string, all: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const rel of MOUNT_POINTS) {
    const st = await lstat(join(upper, rel)).catch(() => undefined);
    if (st?.isFile() && st.size === 0) out.add(rel);
  }
  // A parent of a mount point goes too when everything under it does (deepest parents first).
  const parents = new Set(
    [...out].flatMap((rel) =>
      rel
        .split("/")
        .slice(0, -1)
        .map((_p, i, parts) => parts.slice(0, i + 1).join("/")),
    ),
  );
  for (const dir of [...parents].sort((a, b) => b.length - a.length))
    if (all.every((o) => !o.startsWith(`${dir}/`) || out.has(o))) out.add(dir);
  return out;
}

/** Every entry of the upper dir (relative, sorted) and those of them that are the runtime's. */
async function upperEntries(upper: string): Promise<{ all: string[]; runtime: Set<string> }> {
  const all = ((await readdir(upper, { recursive: true })) as string[]).sort();
  return { all, runtime: await runtimeEntries(upper, all) };
}

/**
 * The container's changes against its image, from the overlay upper dir: a 0:0 character device is a
 * deletion, a path the image has is a change, anything else an addition. Sorted by path.
 */
export async function diffUpperDir(upper: string, lowers: string[]): Promise<FsChange[]> {
  const out: FsChange[] = [];
  const { all, runtime } = await upperEntries(upper);
  for (const rel of all.filter((r) => !runtime.has(r))) {
    const st = await lstat(join(upper, rel));
    const path = `/${rel}`;
    if (st.isCharacterDevice() && st.rdev === 0) out.push({ Kind: CHANGE_DELETED, Path: path });
    else out.push({ Kind: (await existsInLowers(lowers, rel)) ? CHANGE_MODIFIED : CHANGE_ADDED, Path: path });
  }
  return out;
}

/**
 * Writes the upper dir as an OCI layer tar: overlay whiteouts (0:0 devices) become `.wh.<name>`
 * files and opaque directories get `.wh..wh..opq`, so the layer means the same on any runtime. The
 * runtime's mount points (see runtimeEntries) stay out, as `diff` leaves them out.
 */
export async function tarUpperDir(upper: string, staging: string, tarFile: string): Promise<void> {
  const { runtime } = await upperEntries(upper);
  await run("cp", ["-a", `${upper}/.`, staging]);
  for (const rel of runtime) await rmPath(join(staging, rel), { recursive: true, force: true });
  for (const rel of (await readdir(staging, { recursive: true })) as string[]) {
    const full = join(staging, rel);
    const st = await lstat(full).catch(() => undefined);
    if (!st) continue;
    if (st.isCharacterDevice() && st.rdev === 0) {
      await run("rm", ["-f", full]);
      const slash = rel.lastIndexOf("/");
      const name = `${slash === -1 ? "" : rel.slice(0, slash + 1)}.wh.${rel.slice(slash + 1)}`;
      await run("touch", [join(staging, name)]);
    } else if (st.isDirectory()) {
      const opaque = await run("getfattr", ["--only-values", "-n", "trusted.overlay.opaque", full], {
        allowFailure: true,
      });
      if (opaque.code === 0 && opaque.stdout === "y") {
        await run("setfattr", ["-x", "trusted.overlay.opaque", full]);
        await run("touch", [join(full, ".wh..wh..opq")]);
      }
    }
  }
  await run("tar", ["-c", "-f", tarFile, "--numeric-owner", "--xattrs", "-C", staging, "."]);
}
