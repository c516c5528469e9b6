import type { ContainerHooks, NetworkManager } from "@tsc/runtime";
import type { MetaStore } from "./meta-store.js";

/**
 * The runtime hooks that free a container's published host ports when it stops for good and
 * publish them again when it starts (random host ports are picked anew, and the container's
 * metadata learns them), as Docker does: a stopped container holds no host port.
 */
export function publishedPortHooks(networks: NetworkManager, meta: MetaStore): ContainerHooks {
  // Only containers that publish something (most publish nothing: no sandbox file to read then).
  const sandboxOf = (id: string): string | undefined => {
    const m = meta.get(id);
    return m?.endpoints.some((e) => e.ports.length > 0) ? m.sandbox : undefined;
  };
  return {
    async beforeStart(rec) {
      const sandbox = sandboxOf(rec.id);
      if (!sandbox) return;
      const attachments = await networks.holdPorts(sandbox);
      const m = meta.get(rec.id);
      if (!attachments || !m) return;
      const endpoints = m.endpoints.map((e) => ({
        ...e,
        ports: attachments.find((a) => a.networkId === e.networkId)?.ports ?? e.ports,
      }));
      const ports = endpoints[0]?.ports ?? m.ports;
      if (
        JSON.stringify(ports) !== JSON.stringify(m.ports) ||
        JSON.stringify(endpoints) !== JSON.stringify(m.endpoints)
      )
        await meta.save({ ...m, endpoints, ports });
    },
    async afterExit(rec) {
      const sandbox = sandboxOf(rec.id);
      if (sandbox) await networks.releasePorts(sandbox);
    },
  };
}
