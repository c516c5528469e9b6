import { ComposeError } from "./errors.js";
import type { JsonPath } from "./json-path.js";
import type { Project, ServiceConfig } from "./model.js";
import { implicitDependencies } from "./normalize/index.js";
import { closestMatch } from "./suggest.js";

/**
 * Checks what the schema cannot: references to services, networks, volumes, secrets and configs
 * that do not exist (or are disabled by profiles), dependency cycles, duplicate container names,
 * two services publishing the same host port, services with neither image nor build, and
 * `container_name` on a scaled service. Throws the first problem as a ComposeError with its path.
 */
export function checkConsistency(project: Project): void {
  const services = project.services;
  const disabled = project.disabled_services ?? {};
  const containerNames = new Map<string, string>();
  const published = new Map<string, string>();
  for (const [name, svc] of Object.entries(services)) {
    const at = (...rest: (string | number)[]): JsonPath => ["services", name, ...rest];
    if (svc.image === undefined && svc.build === undefined)
      fail(
        "E_INVALID_VALUE",
        at(),
        `service "${name}" has neither an image nor a build context specified`,
        "add image: or build:",
      );
    for (const [dep, d] of Object.entries(svc.depends_on ?? {})) {
      if (dep in services) continue;
      if (!d.required) continue;
      const why =
        dep in disabled ? `"${dep}", which is disabled by its profiles` : `undefined service "${dep}"`;
      fail(
        "E_UNKNOWN_REFERENCE",
        at("depends_on", dep),
        `service "${name}" depends on ${why}`,
        suggest(dep, services, dep in disabled ? `enable its profile with --profile` : undefined),
      );
    }
    const raw = svc as Record<string, unknown>;
    for (const dep of implicitDependencies(raw))
      if (!(dep in services))
        fail(
          "E_UNKNOWN_REFERENCE",
          at(),
          `service "${name}" refers to undefined service "${dep}"`,
          suggest(dep, services),
        );
    for (const net of Object.keys(svc.networks ?? {}))
      if (!project.networks?.[net])
        fail(
          "E_UNKNOWN_REFERENCE",
          at("networks", net),
          `service "${name}" refers to undefined network "${net}"`,
          suggest(net, project.networks ?? {}, "declare it under the top-level networks:"),
        );
    for (const [i, v] of (svc.volumes ?? []).entries())
      if (v.type === "volume" && v.source && !project.volumes?.[v.source])
        fail(
          "E_UNKNOWN_REFERENCE",
          at("volumes", i),
          `service "${name}" refers to undefined volume "${v.source}"`,
          suggest(v.source, project.volumes ?? {}, "declare it under the top-level volumes:"),
        );
    for (const kind of ["secrets", "configs"] as const)
      for (const [i, ref] of (svc[kind] ?? []).entries())
        if (!project[kind]?.[ref.source])
          fail(
            "E_UNKNOWN_REFERENCE",
            at(kind, i),
            `service "${name}" refers to undefined ${kind.slice(0, -1)} "${ref.source}"`,
            suggest(ref.source, project[kind] ?? {}, `declare it under the top-level ${kind}:`),
          );
    if (svc.container_name !== undefined) {
      const other = containerNames.get(svc.container_name);
      if (other)
        fail(
          "E_DUPLICATE_CONTAINER_NAME",
          at("container_name"),
          `services "${other}" and "${name}" both use container_name "${svc.container_name}"`,
          "container names must be unique",
        );
      containerNames.set(svc.container_name, name);
      if ((svc.scale ?? 1) > 1)
        fail(
          "E_INVALID_VALUE",
          at("container_name"),
          `service "${name}" sets container_name but is scaled to ${svc.scale}`,
          "remove container_name, or scale to 1",
        );
    }
    for (const [i, p] of (svc.ports ?? []).entries()) {
      if (p.published === undefined) continue;
      const key = `${p.host_ip ?? "0.0.0.0"}:${p.published}/${p.protocol}`;
      const other = published.get(key);
      if (other && other !== name)
        fail(
          "E_PORT_CONFLICT",
          at("ports", i),
          `services "${other}" and "${name}" both publish ${key}`,
          "use a different host port",
        );
      published.set(key, name);
    }
  }
  checkCycles(services);
}

function checkCycles(services: Record<string, ServiceConfig>): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, chain: string[]): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      fail(
        "E_DEPENDENCY_CYCLE",
        ["services", cycle[0]!, "depends_on"],
        `dependency cycle detected: ${cycle.join(" -> ")}`,
        "remove one of these dependencies",
      );
    }
    state.set(name, "visiting");
    for (const dep of Object.keys(services[name]?.depends_on ?? {}))
      if (dep in services) visit(dep, [...chain, name]);
    state.set(name, "done");
  };
  for (const name of Object.keys(services)) visit(name, []);
}

function suggest(name: string, known: Record<string, unknown>, otherwise?: string): string | undefined {
  const guess = closestMatch(name, Object.keys(known));
  return guess ? `did you mean ${JSON.stringify(guess)}?` : otherwise;
}

function fail(
  code: ConstructorParameters<typeof ComposeError>[0]["code"],
  path: JsonPath,
  detail: string,
  hint?: string,
): never {
  throw new ComposeError({ code, path, detail, hint });
}
