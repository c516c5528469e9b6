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
 * Builds a container's network sandbox and the container itself together: `none`, `host` and
 * `container:<ref>` need no sandbox; otherwise a named netns is created, then the container is
 * created in it (`create`, given the netns and the first network's gateway for DNS) while the
 * netns is attached to the mode's network (publishing `ports` there) and to every extra endpoint,
 * so CNI and the runtime's create overlap. On any failure both are undone (`undo` removes what
 * `create` made) and the first error is thrown.
 */
export async function createInSandbox<T>(
  networks: NetworkManager,
  mode: string,
  extra: EndpointRequest[],
  ports: PortMapping[],
  create: (network: NetworkMode, gateway: string | undefined) => Promise<T>,
  undo: (made: T) => Promise<void>,
): Promise<{ setup: SandboxSetup; made: T }> {
  if (mode === "none" || mode === "host")
    return {
      setup: { network: { type: mode }, endpoints: [] },
      made: await create({ type: mode }, undefined),
    };
  if (mode.startsWith("container:")) {
    const network: NetworkMode = { type: "container", container: mode.slice("container:".length) };
    return { setup: { network, endpoints: [] }, made: await create(network, undefined) };
  }
  const sandbox = randomBytes(32).toString("hex");
  const requests: EndpointRequest[] = extra.some((e) => e.network === mode)
    ? extra
    : [{ network: mode }, ...extra];
  // Check every network exists before creating anything.
  const records = await Promise.all(requests.map((r) => networks.get(r.network)));
  const { netnsPath } = await networks.createSandbox(sandbox);
  const network: NetworkMode = { type: "netns", path: netnsPath };
  const endpoints: NetworkAttachment[] = [];
  const connecting = (async () => {
    for (const [i, r] of requests.entries())
      endpoints.push(
        await networks.connect(sandbox, r.network, {
          aliases: r.aliases,
          ipv4Address: r.ipv4Address,
          ports: i === 0 ? ports : [],
        }),
      );
  })();
  const [connected, created] = await Promise.allSettled([connecting, create(network, records[0]?.gateway)]);
  if (connected.status === "rejected" || created.status === "rejected") {
    if (created.status === "fulfilled") await undo(created.value).catch(() => undefined);
    await networks.removeSandbox(sandbox).catch(() => undefined);
    throw connected.status === "rejected" ? connected.reason : (created as PromiseRejectedResult).reason;
  }
  return { setup: { network, sandbox, endpoints }, made: created.value };
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
