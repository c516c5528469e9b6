import { isIP } from "node:net";
import type { JsonPath } from "../json-path.js";
import type { ServicePortConfig } from "../model.js";
import { invalid, parseInteger } from "./units.js";

const PORT_HINT = "expected [HOST:]CONTAINER[/PROTOCOL], e.g. 8080:80 or 127.0.0.1:8080:80/udp";
const PROTOCOLS = new Set(["tcp", "udp", "sctp"]);

/** Expands every entry of a service's `ports` into canonical long-form entries. */
export function normalizePorts(ports: unknown[], path: JsonPath): ServicePortConfig[] {
  return ports.flatMap((p, i) => normalizePort(p, [...path, i]));
}

function normalizePort(value: unknown, path: JsonPath): ServicePortConfig[] {
  if (typeof value === "number")
    return [{ mode: "ingress", target: checkPort(value, value, path), protocol: "tcp" }];
  if (typeof value === "string") return parseShortPort(value, path);
  const p = value as Record<string, unknown>;
  const out: ServicePortConfig = {
    mode: typeof p.mode === "string" ? p.mode : "ingress",
    target: checkPort(parseIntPort(p.target, [...path, "target"]), p.target, [...path, "target"]),
    protocol: typeof p.protocol === "string" ? p.protocol.toLowerCase() : "tcp",
  };
  if (p.host_ip !== undefined) out.host_ip = String(p.host_ip);
  if (p.published !== undefined && p.published !== "") out.published = String(p.published);
  if (p.name !== undefined) out.name = String(p.name);
  if (p.app_protocol !== undefined) out.app_protocol = String(p.app_protocol);
  for (const [k, v] of Object.entries(p))
    if (k.startsWith("x-")) (out as unknown as Record<string, unknown>)[k] = v;
  return [out];
}

function parseIntPort(v: unknown, path: JsonPath): number {
  if (v === undefined) return invalid(path, "a port needs a target (container port)", "add target: PORT");
  return parseInteger(v, path);
}

/** `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]` (IPv6 host IPs in brackets). */
function parseShortPort(spec: string, path: JsonPath): ServicePortConfig[] {
  const bad = (): never => invalid(path, `${JSON.stringify(spec)} is not a valid port mapping`, PORT_HINT);
  let rest = spec.trim();
  let protocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash !== -1) {
    protocol = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOCOLS.has(protocol)) bad();
  }
  let hostIp: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1 || rest[close + 1] !== ":") bad();
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  let hostPart: string | undefined;
  let containerPart: string;
  if (parts.length === 1) containerPart = parts[0]!;
  else if (parts.length === 2) [hostPart, containerPart] = parts as [string, string];
  else if (parts.length === 3 && hostIp === undefined) {
    hostIp = parts[0]!;
    hostPart = parts[1]!;
    containerPart = parts[2]!;
  } else return bad();
  if (hostIp !== undefined && isIP(hostIp) === 0) bad();
  const container = parseRange(containerPart, bad);
  const host = hostPart === undefined || hostPart === "" ? undefined : parseRange(hostPart, bad);
  const base = (target: number, published?: string): ServicePortConfig => ({
    mode: "ingress",
    ...(hostIp !== undefined ? { host_ip: hostIp } : {}),
    target,
    ...(published !== undefined ? { published } : {}),
    protocol,
  });
  const count = container[1] - container[0] + 1;
  if (!host) return range(container).map((t) => base(t));
  const hostCount = host[1] - host[0] + 1;
  if (count === 1 && hostCount > 1) return [base(container[0], `${host[0]}-${host[1]}`)];
  if (hostCount !== count)
    invalid(
      path,
      `${JSON.stringify(spec)} maps ${hostCount} host ports to ${count} container ports`,
      "use ranges of the same length on both sides",
    );
  return range(container).map((t, i) => base(t, String(host[0] + i)));
}

function parseRange(text: string, bad: () => never): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) bad();
  const start = Number(m![1]);
  const end = m![2] === undefined ? start : Number(m![2]);
  if (start < 1 || end > 65535 || end < start) bad();
  return [start, end];
}

function range([start, end]: [number, number]): number[] {
  return Array.from({ length: end - start + 1 }, (_, i) => start + i);
}

function checkPort(n: number, raw: unknown, path: JsonPath): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    invalid(path, `${JSON.stringify(raw)} is not a valid port number`, "ports are integers from 1 to 65535");
  return n;
}
