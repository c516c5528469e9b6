import { isIP } from "node:net";
import { ComposeError } from "./errors.js";
import type { ComposeErrorCode } from "./errors.js";
import type { JsonPath } from "./json-path.js";
import { formatJsonPath } from "./json-path.js";
import type { Project, ServiceConfig } from "./model.js";
import { implicitReferences } from "./normalize/index.js";
import { closestMatch } from "./suggest.js";

/**
 * Checks what the schema cannot, on a normalized project after profiles: services with neither
 * image nor build; references to services, networks, volumes, secrets, configs and models that
 * do not exist (or are disabled, for required dependencies); `network_mode` with `networks`; two
 * mounts on one target; duplicate `container_name`s and `container_name` on a scaled service; two
 * services publishing the same host port; dependency cycles. Throws the first problem found as a
 * ComposeError carrying the JSON path of the offending value.
 */
export function checkConsistency(project: Project): void {
  const containerNames = new Map<string, string>();
  for (const [name, svc] of Object.entries(project.services)) {
    const path: JsonPath = ["services", name];
    checkImageOrBuild(name, svc, path);
    checkServiceReferences(project, name, svc, path);
    checkContainerName(name, svc, path, containerNames);
    checkMountTargets(svc, path);
  }
  checkPortConflicts(project.services);
  checkDependencyCycles(project.services);
}

function checkImageOrBuild(name: string, svc: ServiceConfig, path: JsonPath): void {
  if (svc.image === undefined && svc.build === undefined && svc.provider === undefined)
    fail(
      "E_INVALID_VALUE",
      path,
      `service "${name}" has neither an image nor a build context specified`,
      "add image: NAME, or build: with a context",
    );
}

function checkServiceReferences(project: Project, name: string, svc: ServiceConfig, path: JsonPath): void {
  for (const ref of implicitReferences(svc))
    checkDependency(project, name, ref.service, true, [...path, ...ref.path]);
  for (const [dep, d] of Object.entries(svc.depends_on ?? {}))
    checkDependency(project, name, dep, d.required, [...path, "depends_on", dep]);
  if (svc.network_mode !== undefined && svc.networks !== undefined)
    fail(
      "E_INVALID_VALUE",
      [...path, "network_mode"],
      `service "${name}" sets both network_mode and networks`,
      "remove one: a service with network_mode does not join networks",
    );
  for (const net of Object.keys(svc.networks ?? {}))
    checkDeclared(project.networks, "network", name, net, [...path, "networks", net]);
  (svc.volumes ?? []).forEach((v, i) => {
    if (v.type === "volume" && v.source !== undefined)
      checkDeclared(project.volumes, "volume", name, v.source, [...path, "volumes", i]);
  });
  (svc.secrets ?? []).forEach((s, i) =>
    checkDeclared(project.secrets, "secret", name, s.source, [...path, "secrets", i]),
  );
  (svc.build?.secrets ?? []).forEach((s, i) =>
    checkDeclared(project.secrets, "secret", name, s.source, [...path, "build", "secrets", i]),
  );
  (svc.configs ?? []).forEach((c, i) =>
    checkDeclared(project.configs, "config", name, c.source, [...path, "configs", i]),
  );
  for (const model of Object.keys(svc.models ?? {}))
    checkDeclared(project.models, "model", name, model, [...path, "models", model]);
}

function checkDependency(
  project: Project,
  name: string,
  dep: string,
  required: boolean,
  path: JsonPath,
): void {
  if (dep in project.services || !required) return;
  const disabled = project.disabled_services?.[dep];
  if (disabled) {
    const profiles = disabled.profiles ?? [];
    fail(
      "E_UNKNOWN_REFERENCE",
      path,
      `service "${name}" depends on "${dep}", which is disabled by its profiles`,
      profiles.length > 0
        ? `activate one of its profiles (${profiles.map((p) => `--profile ${p}`).join(", ")}), or make the dependency required: false`
        : `name "${dep}" on the command line too, or make the dependency required: false`,
    );
  }
  fail(
    "E_UNKNOWN_REFERENCE",
    path,
    `service "${name}" depends on undefined service "${dep}"`,
    didYouMean(dep, Object.keys(project.services)) ?? "define it under services:",
  );
}

function checkDeclared(
  declared: Record<string, unknown> | undefined,
  noun: string,
  service: string,
  name: string,
  path: JsonPath,
): void {
  if (declared && name in declared) return;
  fail(
    "E_UNKNOWN_REFERENCE",
    path,
    `service "${service}" refers to undefined ${noun} "${name}"`,
    didYouMean(name, Object.keys(declared ?? {})) ?? `declare it under the top-level ${noun}s:`,
  );
}

function checkContainerName(
  name: string,
  svc: ServiceConfig,
  path: JsonPath,
  seen: Map<string, string>,
): void {
  const containerName = svc.container_name;
  if (containerName === undefined) return;
  const other = seen.get(containerName);
  if (other !== undefined)
    fail(
      "E_DUPLICATE_CONTAINER_NAME",
      [...path, "container_name"],
      `services "${other}" and "${name}" both use container_name "${containerName}"`,
      "container names must be unique: rename one",
    );
  seen.set(containerName, name);
  if ((svc.scale ?? 1) > 1)
    fail(
      "E_INVALID_VALUE",
      [...path, "container_name"],
      `service "${name}" sets container_name but is scaled to ${svc.scale}`,
      "container names must be unique: remove container_name, or scale to 1",
    );
}

function checkMountTargets(svc: ServiceConfig, path: JsonPath): void {
  const mounted = new Map<string, JsonPath>();
  const claim = (target: string, where: JsonPath): void => {
    const earlier = mounted.get(target);
    if (earlier)
      fail(
        "E_INVALID_VALUE",
        where,
        `the target ${target} is already mounted by ${formatJsonPath(earlier)}`,
        "mount one thing per container path",
      );
    mounted.set(target, where);
  };
  (svc.tmpfs ?? []).forEach((t, i) => claim(t.split(":")[0]!, [...path, "tmpfs", i]));
  (svc.volumes ?? []).forEach((v, i) => claim(v.target, [...path, "volumes", i]));
}

/** One fixed host port publication, for conflict detection. */
interface Publication {
  service: string;
  /** Undefined = every address. */
  hostIp: string | undefined;
  target: number;
  path: JsonPath;
}

function checkPortConflicts(services: Record<string, ServiceConfig>): void {
  const byPort = new Map<string, Publication[]>();
  for (const [service, svc] of Object.entries(services))
    (svc.ports ?? []).forEach((p, i) => {
      if (p.published === undefined || p.published.includes("-")) return; // a range lets the engine pick a free port
      const key = `${p.published}/${p.protocol}`;
      const pub: Publication = {
        service,
        hostIp: p.host_ip,
        target: p.target,
        path: ["services", service, "ports", i],
      };
      const others = byPort.get(key) ?? [];
      for (const other of others) if (conflicts(other, pub)) reportConflict(other, pub, key);
      others.push(pub);
      byPort.set(key, others);
    });
}

function conflicts(a: Publication, b: Publication): boolean {
  if (a.service === b.service && a.target === b.target && a.hostIp === b.hostIp) return false;
  if (a.hostIp === undefined || b.hostIp === undefined || a.hostIp === b.hostIp) return true;
  const covers = (wild: string, ip: string): boolean =>
    (wild === "0.0.0.0" && isIP(ip) === 4) || (wild === "::" && isIP(ip) === 6);
  return covers(a.hostIp, b.hostIp) || covers(b.hostIp, a.hostIp);
}

function reportConflict(first: Publication, second: Publication, portKey: string): never {
  const address = (p: Publication): string => {
    const ip = p.hostIp ?? "0.0.0.0";
    return `${isIP(ip) === 6 ? `[${ip}]` : ip}:${portKey}`;
  };
  const [a, b] = [address(first), address(second)];
  const what = a === b ? a : `${a} and ${b}`;
  fail(
    "E_PORT_CONFLICT",
    second.path,
    first.service === second.service
      ? `service "${first.service}" publishes ${what} twice`
      : `services "${first.service}" and "${second.service}" both publish ${what}`,
    "use a different host port, or leave it out to get a random one",
  );
}

/** Depth-first search over depends_on, iterative so long chains cannot overflow the stack. */
function checkDependencyCycles(services: Record<string, ServiceConfig>): void {
  const done = new Set<string>();
  const onStack = new Set<string>();
  for (const root of Object.keys(services)) {
    if (done.has(root)) continue;
    const stack: { name: string; deps: string[]; next: number }[] = [];
    const enter = (name: string): void => {
      onStack.add(name);
      stack.push({
        name,
        deps: Object.keys(services[name]!.depends_on ?? {}).filter((d) => d in services),
        next: 0,
      });
    };
    enter(root);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next === frame.deps.length) {
        stack.pop();
        onStack.delete(frame.name);
        done.add(frame.name);
        continue;
      }
      const dep = frame.deps[frame.next++]!;
      if (onStack.has(dep)) {
        const cycle = [...stack.slice(stack.findIndex((f) => f.name === dep)).map((f) => f.name), dep];
        fail(
          "E_DEPENDENCY_CYCLE",
          ["services", frame.name, "depends_on", dep],
          `dependency cycle detected: ${cycle.join(" -> ")}`,
          "remove one of these dependencies (links, volumes_from and network_mode: service:… count too)",
        );
      }
      if (!done.has(dep)) enter(dep);
    }
  }
}

function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  const guess = closestMatch(name, candidates);
  return guess === undefined ? undefined : `did you mean "${guess}"?`;
}

function fail(code: ComposeErrorCode, path: JsonPath, detail: string, hint?: string): never {
  throw new ComposeError({ code, path, detail, hint });
}
