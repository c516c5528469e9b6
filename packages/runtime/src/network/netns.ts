import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { run } from "../util/exec.js";
import { mountTable } from "../util/mounts.js";

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
 * them. Once /run/netns is set up, one process does both: `unshare --net=<file>` binds a new
 * namespace at the file and runs `ip link set lo up` inside it (instead of `ip netns add` and
 * `ip -n … link set lo up`: one fork of tscd less per container). The first time, `ip netns add`
 * prepares /run/netns. Returns the namespace's path.
 */
export async function addNetns(name: string): Promise<string> {
  const path = netnsPath(name);
  if (!existsSync(path) && netnsDirReady()) {
    await writeFile(path, "", { flag: "wx", mode: 0o444 });
    await run("unshare", [`--net=${path}`, "ip", "link", "set", "lo", "up"], { packageHint: "util-linux" });
    return path;
  }
  if (!existsSync(path)) await run("ip", ["netns", "add", name], { packageHint: "iproute2" });
  await run("ip", ["-n", name, "link", "set", "lo", "up"], { packageHint: "iproute2" });
  return path;
}

/** Deletes a named network namespace; no error when it is already gone. */
export async function deleteNetns(name: string): Promise<void> {
  if (existsSync(netnsPath(name)))
    await run("ip", ["netns", "delete", name], { packageHint: "iproute2", allowFailure: true });
}
