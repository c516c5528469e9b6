import { ComposeError } from "./errors.js";
import type { Project, ServiceConfig } from "./model.js";
import { closestMatch } from "./suggest.js";

/** Which profiles are active and which services were named on the command line. */
export interface ProfileOptions {
  /** Active profiles (`--profile`, COMPOSE_PROFILES); `*` activates every profile. */
  profiles: string[];
  /** Services named on the command line (`up web`, `config web`). */
  services?: string[];
}

/**
 * Enables services as Compose does. Without named services: a service without `profiles` is
 * always enabled, one with profiles when any of them is active (`*` activates all). With named
 * services, the project is narrowed to them and, transitively, to what they depend on, whatever
 * their profiles (an optional dependency only when its profiles enable it), as `docker compose up
 * web` and `config web` do; their optional dependencies on services left out are dropped.
 * Everything not enabled moves to `disabled_services` (kept, so `config --profiles` still sees
 * it). A named service that does not exist is E_NO_SERVICE. The input is not modified.
 */
export function applyProfiles(project: Project, options: ProfileOptions): Project {
  const all: Record<string, ServiceConfig> = { ...project.services, ...project.disabled_services };
  const active = new Set(options.profiles);
  const byProfile = (svc: ServiceConfig): boolean =>
    (svc.profiles ?? []).length === 0 || active.has("*") || svc.profiles!.some((p) => active.has(p));
  const named = options.services ?? [];
  for (const name of named) if (!(name in all)) throw noSuchService(name, Object.keys(all));
  const enabled =
    named.length > 0
      ? selectWithDependencies(named, all, byProfile)
      : new Set(Object.keys(all).filter((n) => byProfile(all[n]!)));

  const services: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = {};
  for (const [name, svc] of Object.entries(all)) {
    if (!enabled.has(name)) disabled[name] = svc;
    else services[name] = named.length > 0 ? withoutDisabledDependencies(svc, all, enabled) : svc;
  }
  const { disabled_services: _previous, ...rest } = project;
  return Object.keys(disabled).length > 0
    ? { ...rest, services, disabled_services: disabled }
    : { ...rest, services };
}

/** The named services and their dependencies, transitively (optional ones only when enabled by profile). */
function selectWithDependencies(
  named: readonly string[],
  all: Record<string, ServiceConfig>,
  byProfile: (svc: ServiceConfig) => boolean,
): Set<string> {
  const selected = new Set<string>();
  const pending = [...named];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (selected.has(name)) continue;
    selected.add(name);
    for (const [dep, d] of Object.entries(all[name]!.depends_on ?? {})) {
      const target = all[dep];
      if (target && (d.required || byProfile(target))) pending.push(dep);
    }
  }
  return selected;
}

/** `svc` without its (optional) dependencies on existing services that were not selected. */
function withoutDisabledDependencies(
  svc: ServiceConfig,
  all: Record<string, ServiceConfig>,
  enabled: ReadonlySet<string>,
): ServiceConfig {
  const deps = svc.depends_on;
  const keep = (dep: string): boolean => enabled.has(dep) || !(dep in all);
  if (!deps || Object.keys(deps).every(keep)) return svc;
  const kept = Object.fromEntries(Object.entries(deps).filter(([d]) => keep(d)));
  const { depends_on: _dropped, ...rest } = svc;
  return Object.keys(kept).length > 0 ? { ...rest, depends_on: kept } : rest;
}

/** The error for a service name the project does not have: a close match, or the services it has. */
export function noSuchService(name: string, known: readonly string[]): ComposeError {
  const guess = closestMatch(name, known);
  return new ComposeError({
    code: "E_NO_SERVICE",
    detail: `no such service: ${JSON.stringify(name)}`,
    hint: guess
      ? `did you mean ${JSON.stringify(guess)}?`
      : known.length > 0
        ? `the project's services are: ${known.join(", ")}`
        : "the project defines no services",
  });
}
