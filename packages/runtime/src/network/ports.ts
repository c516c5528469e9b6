import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { failedPrecondition } from "@tsc/core";

/** A port to publish: host side (random when `hostPort` is 0 or absent) to container side. */
export interface PortMapping {
  hostIp?: string;
  hostPort?: number;
  containerPort: number;
  protocol: "tcp" | "udp";
}

/** Binds and releases a host port to learn whether it is free; returns the bound port (for port 0, a free one). */
export function probePort(protocol: "tcp" | "udp", port: number, host = "0.0.0.0"): Promise<number> {
  return new Promise((resolve, reject) => {
    const taken = (): void =>
      reject(
        failedPrecondition(`Bind for ${host}:${port} failed: port is already allocated`, {
          hint: "publish on another host port, or stop what uses it",
        }),
      );
    if (protocol === "tcp") {
      const srv = createServer();
      srv.once("error", taken);
      srv.listen({ port, host, exclusive: true }, () => {
        const got = (srv.address() as { port: number }).port;
        srv.close(() => resolve(got));
      });
    } else {
      const sock = createSocket("udp4");
      sock.once("error", taken);
      sock.bind({ port, address: host, exclusive: true }, () => {
        const got = sock.address().port;
        sock.close(() => resolve(got));
      });
    }
  });
}

/**
 * Checks every mapping's host port (and picks random ones for port 0) before anything is set up,
 * so a taken port fails the request with Docker's message and nothing half-made.
 */
export async function reservePorts(
  ports: readonly PortMapping[],
  inUse: ReadonlySet<string>,
): Promise<PortMapping[]> {
  const out: PortMapping[] = [];
  const seen = new Set(inUse);
  for (const p of ports) {
    const host = p.hostIp ?? "0.0.0.0";
    const hostPort = await probePort(p.protocol, p.hostPort ?? 0, host);
    const key = `${p.protocol}/${hostPort}`;
    if (seen.has(key))
      throw failedPrecondition(`Bind for ${host}:${hostPort} failed: port is already allocated`);
    seen.add(key);
    out.push({ ...p, hostPort });
  }
  return out;
}
