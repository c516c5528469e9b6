import { existsSync } from "node:fs";
import { run } from "../util/exec.js";

/** The path of a named network namespace (as `ip netns` keeps them). */
export function netnsPath(name: string): string {
  return `/var/run/netns/${name}`;
}

/**
 * Creates a named network namespace (idempotent) and resolves as soon as it exists; `loopbackUp`
 * settles once its loopback interface is up. Runtimes and CNI may use the netns meanwhile.
 */
export async function addNetns(name: string): Promise<{ path: string; loopbackUp: Promise<void> }> {
  if (!existsSync(netnsPath(name))) await run("ip", ["netns", "add", name], { packageHint: "iproute2" });
  const loopbackUp = run("ip", ["-n", name, "link", "set", "lo", "up"], { packageHint: "iproute2" }).then(
    () => undefined,
  );
  // Callers that only need the netns may never await it; its failure still shows where awaited.
  loopbackUp.catch(() => undefined);
  return { path: netnsPath(name), loopbackUp };
}

/** Deletes a named network namespace; no error when it is already gone. */
export async function deleteNetns(name: string): Promise<void> {
  if (existsSync(netnsPath(name)))
    await run("ip", ["netns", "delete", name], { packageHint: "iproute2", allowFailure: true });
}
