import { randomBytes } from "node:crypto";
import type { NetworkAttachment, NetworkManager, NetworkMode, PortMapping } from "@tsc/runtime";
import type { EndpointRequest } from "./types.js";

/** Docker's default network: containers join it unless told otherwise; it has no name resolution. */
export const DEFAULT_NETWORK = "bridge";

/** What a container's network setup produced. */
export interface SandboxSetup {
  network: NetworkMode;
  sandbox?: string;
  endpoints: NetworkAttachment[];
}

/**
 * Builds a container's network sandbox before the container exists: `none`, `host` and
 * `container:<ref>` need nothing; otherwise a named netns is created and attached to the mode's
 * network (publishing `ports` there) and to every extra endpoint. Undoes everything on failure.
 */
export async function setUpSandbox(
  networks: NetworkManager,
  mode: string,
  extra: EndpointRequest[],
  ports: PortMapping[],
): Promise<SandboxSetup> {
  if (mode === "none" || mode === "host") return { network: { type: mode }, endpoints: [] };
  if (mode.startsWith("container:"))
    return { network: { type: "container", container: mode.slice("container:".length) }, endpoints: [] };
  const sandbox = randomBytes(32).toString("hex");
  const requests: EndpointRequest[] = extra.some((e) => e.network === mode)
    ? extra
    : [{ network: mode }, ...extra];
  // Check every network exists before creating anything.
  for (const r of requests) await networks.get(r.network);
  const { netnsPath } = await networks.createSandbox(sandbox);
  const endpoints: NetworkAttachment[] = [];
  try {
    for (const [i, r] of requests.entries())
      endpoints.push(
        await networks.connect(sandbox, r.network, {
          aliases: r.aliases,
          ipv4Address: r.ipv4Address,
          ports: i === 0 ? ports : [],
        }),
      );
  } catch (e) {
    await networks.removeSandbox(sandbox).catch(() => undefined);
    throw e;
  }
  return { network: { type: "netns", path: netnsPath }, sandbox, endpoints };
}

/** The addresses a query for `name` from `clientIp` resolves to, among the endpoints given. */
export function resolveName(
  name: string,
  clientIp: string,
  containers: { id: string; name: string; running: boolean; endpoints: NetworkAttachment[] }[],
): string[] | undefined {
  const q = name.toLowerCase().replace(/\.$/, "");
  const client = containers.find((c) => c.endpoints.some((e) => e.ipAddress === clientIp));
  if (!client) return undefined;
  const nets = new Set(client.endpoints.filter((e) => e.network !== DEFAULT_NETWORK).map((e) => e.networkId));
  if (nets.size === 0) return undefined;
  const out: string[] = [];
  for (const c of containers) {
    if (!c.running) continue;
    for (const e of c.endpoints) {
      if (!nets.has(e.networkId)) continue;
      const names = [c.name, c.id.slice(0, 12), ...e.aliases].map((n) => n.toLowerCase());
      if (names.includes(q) && !out.includes(e.ipAddress)) out.push(e.ipAddress);
    }
  }
  return out.length > 0 ? out : undefined;
}
