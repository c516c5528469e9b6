import { isIP } from "node:net";
import type { JsonPath } from "../json-path.js";
import type { PortProtocol, ServicePortConfig } from "../model.js";
import { at, invalid, isData, parseInteger, quote, scalarText } from "./values.js";

const SHORT_HINT =
  "expected [HOST:]CONTAINER[/PROTOCOL], e.g. 8080:80, 127.0.0.1:8080:80/udp or 8000-8010:80";
const PROTOCOLS: ReadonlySet<string> = new Set(["tcp", "udp", "sctp"]);
const MODES: ReadonlySet<string> = new Set(["ingress", "host"]);
const PORT_RANGE = { min: 1, max: 65535 };

/** Expands a service's `ports` (numbers, short strings, long mappings) into one canonical entry per container port. */
export function normalizePorts(ports: unknown, path: JsonPath): ServicePortConfig[] {
  const out: ServicePortConfig[] = [];
  if (Array.isArray(ports)) ports.forEach((p, i) => out.push(...normalizePort(p, at(path, i))));
  return out;
}

function normalizePort(value: unknown, path: JsonPath): ServicePortConfig[] {
  if (typeof value === "number") return parseShortPort(String(value), path);
  if (typeof value === "string") return parseShortPort(value, path);
  if (isData(value)) return [normalizeLongPort(value, path)];
  return invalid(path, `${quote(value)} is not a valid port mapping`, SHORT_HINT);
}

function normalizeLongPort(p: Record<string, unknown>, path: JsonPath): ServicePortConfig {
  if (p.target === undefined || p.target === null)
    invalid(path, "a port needs a target (the container port)", "add target: PORT");
  const mode = p.mode === undefined ? "ingress" : scalarText(p.mode);
  if (!MODES.has(mode))
    invalid(at(path, "mode"), `${quote(p.mode)} is not a port mode`, 'use "ingress" or "host"');
  const out: ServicePortConfig = {
    mode: mode as ServicePortConfig["mode"],
    target: parseInteger(p.target, at(path, "target"), PORT_RANGE),
    protocol: p.protocol === undefined ? "tcp" : parseProtocol(scalarText(p.protocol), at(path, "protocol")),
  };
  for (const [key, v] of Object.entries(p)) {
    if (v === null || v === undefined) continue;
    if (key === "host_ip") out.host_ip = parseHostIp(scalarText(v), at(path, key));
    else if (key === "published") {
      const published = scalarText(v);
      if (published !== "") out.published = checkPublished(published, at(path, key));
    } else if (key === "name" || key === "app_protocol") out[key] = scalarText(v);
    else if (key.startsWith("x-")) out[key as `x-${string}`] = v;
  }
  return out;
}

function parseProtocol(text: string, path: JsonPath): PortProtocol {
  const protocol = text.toLowerCase();
  if (!PROTOCOLS.has(protocol))
    invalid(path, `${quote(text)} is not a port protocol`, 'use "tcp", "udp" or "sctp"');
  return protocol as PortProtocol;
}

function parseHostIp(text: string, path: JsonPath): string {
  const ip = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (isIP(ip) === 0)
    invalid(path, `${quote(text)} is not an IP address`, "use an address like 127.0.0.1 or ::1");
  return ip;
}

function checkPublished(text: string, path: JsonPath): string {
  const range = parseRange(text);
  if (!range)
    invalid(path, `${quote(text)} is not a valid published port`, "use a port (8080) or a range (8000-8010)");
  return text;
}

/**
 * Docker's `[IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`: the container port is the last
 * `:` part, the host port the one before, and everything earlier the host IP (IPv6 with or
 * without brackets). Matching ranges pair up port by port; a host range with one container port
 * is a range to pick a free host port from.
 */
function parseShortPort(spec: string, path: JsonPath): ServicePortConfig[] {
  const bad = (why?: string): never =>
    invalid(path, `${quote(spec)} is not a valid port mapping`, why ? `${SHORT_HINT}; ${why}` : SHORT_HINT);
  let rest = spec.trim();
  let protocol: PortProtocol = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash !== -1) {
    const proto = rest.slice(slash + 1).toLowerCase();
    if (!PROTOCOLS.has(proto)) bad();
    protocol = proto as PortProtocol;
    rest = rest.slice(0, slash);
  }
  const parts = rest.split(":");
  const containerPart = parts.pop()!;
  const hostPart = parts.pop();
  let hostIp = parts.length > 0 ? parts.join(":") : undefined;
  if (hostIp !== undefined) {
    if (hostIp.startsWith("[") && hostIp.endsWith("]")) hostIp = hostIp.slice(1, -1);
    if (isIP(hostIp) === 0) bad(`${quote(hostIp)} is not an IP address`);
  }
  const container = parseRange(containerPart) ?? bad();
  const host = hostPart === undefined || hostPart === "" ? undefined : (parseRange(hostPart) ?? bad());
  const count = container[1] - container[0] + 1;
  const hostCount = host ? host[1] - host[0] + 1 : 0;
  if (host && count === 1 && hostCount > 1)
    return [shortEntry(container[0], protocol, hostIp, `${host[0]}-${host[1]}`)];
  if (host && hostCount !== count)
    invalid(
      path,
      `${quote(spec)} maps ${hostCount} host ports to ${count} container ports`,
      "use ranges of the same length on both sides, or a single container port",
    );
  const out: ServicePortConfig[] = [];
  for (let i = 0; i < count; i++)
    out.push(shortEntry(container[0] + i, protocol, hostIp, host ? String(host[0] + i) : undefined));
  return out;
}

function shortEntry(
  target: number,
  protocol: PortProtocol,
  hostIp?: string,
  published?: string,
): ServicePortConfig {
  const port: ServicePortConfig = { mode: "ingress", target, protocol };
  if (hostIp !== undefined) port.host_ip = hostIp;
  if (published !== undefined) port.published = published;
  return port;
}

/** `"80"` → [80, 80]; `"8000-8010"` → [8000, 8010]; undefined when not a valid port or range. */
export function parseRange(text: string): [number, number] | undefined {
  const dash = text.indexOf("-");
  const start = parsePortNumber(dash === -1 ? text : text.slice(0, dash));
  const end = dash === -1 ? start : parsePortNumber(text.slice(dash + 1));
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

/** A port number from 1 to 65535 written with digits only (hot path: no regex). */
function parsePortNumber(text: string): number | undefined {
  if (text.length === 0 || text.length > 5) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return n >= PORT_RANGE.min && n <= PORT_RANGE.max ? n : undefined;
}
