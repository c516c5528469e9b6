import { invalidArgument } from "@tsc/core";

/** Where tscd listens by default, and where clients look for it. */
export const DEFAULT_HOST = "unix:///run/tsc/tscd.sock";

/** A parsed `-H` address. */
export type HostAddress = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

/** Parses `unix:///path`, `/path`, `tcp://host:port` (or `host:port`), as `docker -H` accepts them. */
export function parseHost(text: string): HostAddress {
  if (text.startsWith("unix://")) {
    const path = text.slice("unix://".length);
    if (!path.startsWith("/")) throw badHost(text);
    return { kind: "unix", path };
  }
  if (text.startsWith("/")) return { kind: "unix", path: text };
  const rest = text.startsWith("tcp://") ? text.slice("tcp://".length) : text;
  const m = /^(\[[^\]]+\]|[^:/]+)?:(\d+)$/.exec(rest);
  if (!m) throw badHost(text);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw badHost(text);
  return { kind: "tcp", host: m[1] ?? "127.0.0.1", port };
}

/** The gRPC target for an address. */
export function grpcTarget(addr: HostAddress): string {
  return addr.kind === "unix" ? `unix://${addr.path}` : `${addr.host}:${addr.port}`;
}

/** The address as users write it. */
export function formatHost(addr: HostAddress): string {
  return addr.kind === "unix" ? `unix://${addr.path}` : `tcp://${addr.host}:${addr.port}`;
}

function badHost(text: string) {
  return invalidArgument(`invalid host address ${JSON.stringify(text)}`, {
    hint: "use unix:///path/to/socket or tcp://HOST:PORT",
  });
}
