import { existsSync } from "node:fs";
import { run } from "../util/exec.js";

/** The path of a named network namespace (as `ip netns` keeps them). */
export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

/** Creates a named network namespace with its loopback up. Idempotent. */
export async function createNetns(name: string): Promise<string> {
  if (!existsSync(netnsPath(name))) await run("ip", ["netns", "add", name], { packageHint: "iproute2" });
  await run("ip", ["-n", name, "link", "set", "lo", "up"], { packageHint: "iproute2" });
  return netnsPath(name);
}

/** Deletes a named network namespace; no error when it is already gone. */
export async function deleteNetns(name: string): Promise<void> {
  if (existsSync(netnsPath(name)))
    await run("ip", ["netns", "delete", name], { packageHint: "iproute2", allowFailure: true });
}
