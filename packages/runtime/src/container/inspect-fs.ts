import { lstat, readdir, rm as rmPath } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../util/exec.js";

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

/** Files the runtime bind-mounts from the bundle (see spec.ts): what the container writes goes there. */
const BUNDLE_MOUNTS = new Set(["etc/hosts", "etc/hostname", "etc/resolv.conf"]);

/**
 * The upper dir's entries that are the container's own: not the empty files runc creates as mount
 * points for the bundle's hosts, hostname and resolv.conf when the image lacks them, nor directories
 * that hold nothing else (Docker keeps these in an "init" layer, outside `diff` and `commit`).
 */
async function ownEntries(upper: string): Promise<string[]> {
  const all = ((await readdir(upper, { recursive: true })) as string[]).sort();
  const placeholders = new Set<string>();
  for (const rel of all) {
    if (!BUNDLE_MOUNTS.has(rel)) continue;
    const st = await lstat(join(upper, rel));
    if (st.isFile() && st.size === 0) placeholders.add(rel);
  }
  if (placeholders.size === 0) return all;
  const kept = all.filter((rel) => !placeholders.has(rel));
  return kept.filter((rel) => {
    const under = all.filter((o) => o.startsWith(`${rel}/`));
    return under.length === 0 || under.some((o) => !placeholders.has(o));
  });
}

/**
 * The container's changes against its image, from the overlay upper dir: a 0:0 character device is a
 * deletion, a path the image has is a change, anything else an addition. Sorted by path.
 */
export async function diffUpperDir(upper: string, lowers: string[]): Promise<FsChange[]> {
  const out: FsChange[] = [];
  for (const rel of await ownEntries(upper)) {
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
 * runtime's mount points (see ownEntries) stay out, as `diff` leaves them out.
 */
export async function tarUpperDir(upper: string, staging: string, tarFile: string): Promise<void> {
  const own = new Set(await ownEntries(upper));
  await run("cp", ["-a", `${upper}/.`, staging]);
  const notOwn = ((await readdir(upper, { recursive: true })) as string[]).filter((rel) => !own.has(rel));
  for (const rel of notOwn.sort().reverse())
    await rmPath(join(staging, rel), { recursive: true, force: true });
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
