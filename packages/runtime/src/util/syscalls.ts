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

/**
 * Runs the built-in `op`, or `fallback` where there is none. A failed call is an Internal error
 * naming `what` was done and the system's reason ("mounting overlay on /x: no such file or
 * directory (ENOENT)").
 */
async function viaBuiltin(
  op: "mount" | "umount" | "netns",
  what: string,
  args: string[],
  fallback: () => Promise<unknown>,
): Promise<void> {
  if (!builtinsMissing)
    try {
      return await spawnServer().builtin(op, args);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code !== "ENOSYS") {
        const reason = err.message.replace(/^\S+ failed: /, "");
        throw new TscError("Internal", `${what}: ${reason} (${err.code ?? "?"})`, { cause: e });
      }
      builtinsMissing = true;
    }
  await fallback();
}

/** Mounts a filesystem: `mount -t FSTYPE -o DATA SOURCE TARGET`. */
export async function mountFs(source: string, target: string, fstype: string, data: string): Promise<void> {
  await viaBuiltin("mount", `mounting ${source} on ${target}`, [source, target, fstype, "0", data], () =>
    run("mount", ["-t", fstype, source, "-o", data, target]),
  );
}

/** Unmounts `target` (lazily with `detach`, as `umount -l`). */
export async function unmountFs(target: string, opts: { detach?: boolean } = {}): Promise<void> {
  await viaBuiltin("umount", `unmounting ${target}`, [target, opts.detach ? "2" : "0"], () =>
    run("umount", [...(opts.detach ? ["-l"] : []), target]),
  );
}

/**
 * Binds a new network namespace, with its loopback up, at `path` (an existing empty file on a
 * shared mount, as `ip netns add` makes /run/netns).
 */
export async function newNetns(path: string): Promise<void> {
  await viaBuiltin("netns", `making a network namespace at ${path}`, [path], () =>
    run("unshare", [`--net=${path}`, "ip", "link", "set", "lo", "up"], { packageHint: "util-linux" }),
  );
}
