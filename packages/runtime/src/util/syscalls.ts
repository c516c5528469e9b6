import { TscError } from "@tsc/core";
import { run } from "./exec.js";
import { spawnServer } from "./spawn-server.js";

/**
 * mount(2), umount2(2) and new network namespaces as system calls the spawn server makes in a
 * child of its own, instead of running mount(8), umount(8), unshare(1) and ip(8): each of those
 * was a fork and exec per container start or stop (~3 to 6 ms of CPU each, measured with perf
 * during an `up` of 20). Where the server has no built-in (an architecture whose syscall numbers
 * it does not know), the programs are run as before.
 */

let builtinsMissing = false;

/** Runs the built-in `op`, or `fallback` where there is none. */
async function viaBuiltin(
  op: "mount" | "umount" | "netns",
  args: string[],
  fallback: () => Promise<unknown>,
): Promise<void> {
  if (!builtinsMissing)
    try {
      return await spawnServer().builtin(op, args);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOSYS") throw internal(op, args[0]!, e);
      builtinsMissing = true;
    }
  await fallback();
}

function internal(op: string, target: string, cause: unknown): TscError {
  const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
  return new TscError("Internal", `${op} ${target}: ${code}`, { cause });
}

/** Mounts a filesystem: `mount -t FSTYPE -o DATA SOURCE TARGET`. */
export async function mountFs(source: string, target: string, fstype: string, data: string): Promise<void> {
  await viaBuiltin("mount", [source, target, fstype, "0", data], () =>
    run("mount", ["-t", fstype, source, "-o", data, target]),
  );
}

/** Unmounts `target` (lazily with `detach`, as `umount -l`). */
export async function unmountFs(target: string, opts: { detach?: boolean } = {}): Promise<void> {
  await viaBuiltin("umount", [target, opts.detach ? "2" : "0"], () =>
    run("umount", [...(opts.detach ? ["-l"] : []), target]),
  );
}

/**
 * Binds a new network namespace, with its loopback up, at `path` (an existing empty file on a
 * shared mount, as `ip netns add` makes /run/netns).
 */
export async function newNetns(path: string): Promise<void> {
  await viaBuiltin("netns", [path], () =>
    run("unshare", [`--net=${path}`, "ip", "link", "set", "lo", "up"], { packageHint: "util-linux" }),
  );
}
