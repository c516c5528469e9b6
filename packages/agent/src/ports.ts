import { invalidArgument } from "@tsc/core";
import type { OciImageConfig, PortMapping } from "@tsc/runtime";

/** `80`, `80/udp`, `8000-8002/tcp` → port/protocol pairs. */
export function expandPortSpec(text: string): { port: number; protocol: "tcp" | "udp" }[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(text);
  if (!m) throw invalidArgument(`invalid port ${JSON.stringify(text)}`, { hint: "use PORT[/tcp|udp]" });
  const from = Number(m[1]);
  const to = m[2] ? Number(m[2]) : from;
  const protocol = (m[3] ?? "tcp") as "tcp" | "udp";
  const out: { port: number; protocol: "tcp" | "udp" }[] = [];
  for (let p = from; p <= to; p++) out.push({ port: p, protocol });
  return out;
}

/**
 * The ports a container publishes: the explicit mappings, plus (with `-P`) every exposed port of
 * the image and of `--expose` that is not mapped yet, on a random host port.
 */
export function publishedPorts(
  explicit: PortMapping[],
  publishAll: boolean,
  exposed: string[],
  image: OciImageConfig,
): PortMapping[] {
  const out = [...explicit];
  if (!publishAll) return out;
  const all = [...Object.keys(image.ExposedPorts ?? {}), ...exposed].flatMap(expandPortSpec);
  for (const e of all)
    if (!out.some((p) => p.containerPort === e.port && p.protocol === e.protocol))
      out.push({ containerPort: e.port, protocol: e.protocol, hostPort: 0 });
  return out;
}
