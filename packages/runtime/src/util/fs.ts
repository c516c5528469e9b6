import { randomBytes } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { lstat, open, readdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./exec.js";

/**
 * Small files (records, JSON state, /etc files of a bundle) are read and written with the
 * synchronous calls, which take a few microseconds from the page cache. fs/promises' readFile makes
 * four thread-pool round trips (open, fstat, read, close) and costs ~25 times the CPU (160 µs
 * against 6 µs, measured here), which tscd paid dozens of times per container start. What may wait
 * for the disk (creating, fsync, rename: ~0.5 ms each on ext4 while etcd syncs its log) still goes
 * to the thread pool, off the event loop.
 */

/** The text of a small file. */
export function readText(path: string): string {
  return readFileSync(path, "utf8");
}

/** A small file parsed as JSON. */
export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * Writes `data` to `path` atomically: a temporary file beside it, fsync, then rename. Readers see
 * either the old or the new content, never a torn file, even after a crash.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  const fh = await open(tmp, "w", mode);
  try {
    writeFileSync(fh.fd, data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    rmSync(tmp, { force: true });
    throw e;
  }
  await fh.close();
  await rename(tmp, path);
}

/**
 * The bytes the files under `dir` take, as Docker sizes a container's writable layer or a volume:
 * the sizes of its files and symlinks (not followed; directories themselves count nothing), each
 * hard-linked file once. A missing `dir` is 0; entries that vanish while it is walked are skipped.
 */
export async function diskUsage(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of await readdir(path).catch(() => [] as string[])) await walk(join(path, name));
      return;
    }
    const inode = `${st.dev}:${st.ino}`;
    if (st.nlink > 1 && seen.has(inode)) return;
    seen.add(inode);
    total += st.size;
  };
  await walk(dir);
  return total;
}

/**
 * Marks `dir` as the top of unrelated hierarchies for ext4's Orlov allocator (`chattr +T`, the
 * flag's documented use): its subdirectories, one per container, are spread over the block groups
 * instead of packed into their parent's. Container churn then no longer piles freed inodes into
 * one group, where ext4 without a journal makes every new inode skip past each one freed in the
 * last minutes (seen here: 15% of all CPU during an `up` of 20, growing with every up/down). A
 * no-op where the flag does not exist (other filesystems, tmpfs) or chattr is missing.
 */
export async function spreadSubdirectories(dir: string): Promise<void> {
  await run("chattr", ["+T", dir]).catch(() => undefined);
}
