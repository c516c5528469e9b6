import { randomBytes } from "node:crypto";
import type { NetworkAttachment, NetworkManager, NetworkMode, PortMapping } from "@tsc/runtime";
import type { EndpointRequest } from "./types.js";

/** Docker's default network: containers join it unless told otherwise; it has no name resolution. */
export const DEFAULT_NETWORK = "bridge";

/**
 * Whether a container in network mode `mode` has the embedded DNS as its nameserver, with its own
 * `--dns` servers as that server's upstreams: on user-defined networks, as in Docker. Not on the
 * default bridge network (its `--dns` servers go into resolv.conf), `none`, `host` or `container:`.
 */
export function hasEmbeddedDns(mode: string): boolean {
  return mode !== DEFAULT_NETWORK && mode !== "none" && mode !== "host" && !mode.startsWith("container:");
}

/** What a container's network setup produced. */
export interface SandboxSetup {
  network: NetworkMode;
  sandbox?: string;
  endpoints: NetworkAttachment[];
}

/** What `createInSandbox` gives the function that creates the container. */
export interface SandboxContext {
  /** Where the container's network namespace is (or will be: see `netnsReady`). */
  network: NetworkMode;
  /** The first network's gateway (the embedded DNS server's address), if any. */
  gateway: string | undefined;
  /** Settles once the netns exists: the runtime may create the container in it from then on. */
  netnsReady: Promise<void>;
  /** Settles with the setup once every network is attached: the container's process may run then. */
  attached: Promise<SandboxSetup>;
}

/**
 * Builds a container's network sandbox and the container itself together: `none`, `host` and
 * `container:<ref>` need no sandbox; otherwise a named netns is created and attached to the mode's
 * network (publishing `ports` there) and to every extra endpoint, while `create` makes the
 * container, so its files, the netns, CNI and the runtime's work overlap. `create` may go as far
 * as starting the container if it waits for `netnsReady` before the runtime creates it and for
 * `attached` before its process runs. On any failure both are undone (`undo` removes what `create`
 * made) and the first error is thrown.
 */
export async function createInSandbox<T>(
  networks: NetworkManager,
  mode: string,
  extra: EndpointRequest[],
  ports: PortMapping[],
  create: (ctx: SandboxContext) => Promise<T>,
  undo: (made: T) => Promise<void>,
): Promise<{ setup: SandboxSetup; made: T }> {
  const bare = async (network: NetworkMode) => {
    const setup: SandboxSetup = { network, endpoints: [] };
    const made = await create({
      network,
      gateway: undefined,
      netnsReady: Promise.resolve(),
      attached: Promise.resolve(setup),
    });
    return { setup, made };
  };
  if (mode === "none" || mode === "host") return bare({ type: mode });
  if (mode.startsWith("container:"))
    return bare({ type: "container", container: mode.slice("container:".length) });
  const sandbox = randomBytes(32).toString("hex");
  const requests: EndpointRequest[] = extra.some((e) => e.network === mode)
    ? extra
    : [{ network: mode }, ...extra];
  // Check every network exists before creating anything.
  const records = await Promise.all(requests.map((r) => networks.get(r.network)));
  const network: NetworkMode = { type: "netns", path: networks.sandboxPath(sandbox) };
  const endpoints: NetworkAttachment[] = [];
  const setup: SandboxSetup = { network, sandbox, endpoints };
  const made = networks.createSandbox(sandbox);
  const netnsReady = made.then(() => undefined);
  const connecting = (async () => {
    await made;
    await attachAll();
    return setup;
  })();
  async function attachAll(): Promise<void> {
    for (const [i, r] of requests.entries())
      endpoints.push(
        await networks.connect(sandbox, r.network, {
          aliases: r.aliases,
          ipv4Address: r.ipv4Address,
          ports: i === 0 ? ports : [],
        }),
      );
  }
  // Awaited through allSettled below; these only keep an early rejection from being "unhandled".
  netnsReady.catch(() => undefined);
  connecting.catch(() => undefined);
  const [connected, created] = await Promise.allSettled([
    connecting,
    create({ network, gateway: records[0]?.gateway, netnsReady, attached: connecting }),
  ]);
  if (connected.status === "rejected" || created.status === "rejected") {
    if (created.status === "fulfilled") await undo(created.value).catch(() => undefined);
    await networks.removeSandbox(sandbox).catch(() => undefined);
    throw connected.status === "rejected" ? connected.reason : (created as PromiseRejectedResult).reason;
  }
  return { setup, made: created.value };
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
