import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { run } from "../util/exec.js";
import { mountTable } from "../util/mounts.js";
import { newNetns, unmountFs } from "../util/syscalls.js";

/** The path of a named network namespace (as `ip netns` keeps them). */
export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

let netnsDirMounted = false;

/** Whether `ip netns` has made /run/netns its shared mount point (it does on its first `add`). */
function netnsDirReady(): boolean {
  netnsDirMounted ||= mountTable().some((m) => m.mountPoint === "/run/netns");
  return netnsDirMounted;
}

/**
 * Creates a named network namespace with its loopback up (idempotent), kept as `ip netns` keeps
 * them. Once /run/netns is set up, the spawn server makes it with system calls (unshare, a bind
 * mount at the file, loopback up: `newNetns`) instead of `ip netns add` and `ip -n … link set lo
 * up`. The first time, `ip netns add` prepares /run/netns. Returns the namespace's path.
 */
export async function addNetns(name: string): Promise<string> {
  const path = netnsPath(name);
  if (!existsSync(path) && netnsDirReady()) {
    await writeFile(path, "", { flag: "wx", mode: 0o444 });
    await newNetns(path);
    return path;
  }
  if (!existsSync(path)) await run("ip", ["netns", "add", name], { packageHint: "iproute2" });
  await run("ip", ["-n", name, "link", "set", "lo", "up"], { packageHint: "iproute2" });
  return path;
}

/** Deletes a named network namespace (`ip netns delete`: a lazy unmount, then the file); no error when it is already gone. */
export async function deleteNetns(name: string): Promise<void> {
  const path = netnsPath(name);
  if (!existsSync(path)) return;
  await unmountFs(path, { detach: true }).catch(() => undefined);
  await rm(path, { force: true });
}
