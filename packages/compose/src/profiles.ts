import { ComposeError } from "./errors.js";
import type { Project, ServiceConfig } from "./model.js";
import { closestMatch } from "./suggest.js";

/** Which profiles are active and which services were named on the command line. */
export interface ProfileOptions {
  profiles: string[];
  services?: string[];
}

/**
 * Enables services as Compose does: those without profiles always; those with a profile when one
 * of their profiles is active (`*` activates all); services named on the command line, and what
 * they depend on, whatever their profiles (and then only those, as `config SERVICE` prints). The
 * others move to `disabled_services`. An unknown
 * named service is E_NO_SERVICE.
 */
export function applyProfiles(project: Project, options: ProfileOptions): Project {
  const all = project.services;
  const active = new Set(options.profiles);
  const named = options.services ?? [];
  const enabled = new Set<string>();
  for (const [name, svc] of Object.entries(all)) {
    if (named.length > 0) break;
    const profiles = svc.profiles ?? [];
    if (profiles.length === 0 || active.has("*") || profiles.some((p) => active.has(p))) enabled.add(name);
  }
  for (const name of named) {
    if (!(name in all)) {
      const guess = closestMatch(name, Object.keys(all));
      throw new ComposeError({
        code: "E_NO_SERVICE",
        detail: `no such service: ${JSON.stringify(name)}`,
        hint: guess
          ? `did you mean ${JSON.stringify(guess)}?`
          : `services: ${Object.keys(all).join(", ") || "none"}`,
      });
    }
    enableWithDependencies(name, all, enabled);
  }
  const services: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = { ...(project.disabled_services ?? {}) };
  for (const [name, svc] of Object.entries(all)) (enabled.has(name) ? services : disabled)[name] = svc;
  const out: Project = { ...project, services };
  if (Object.keys(disabled).length > 0) out.disabled_services = disabled;
  else delete out.disabled_services;
  return out;
}

function enableWithDependencies(
  name: string,
  all: Record<string, ServiceConfig>,
  enabled: Set<string>,
): void {
  const stack = [name];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n) || !(n in all)) continue;
    seen.add(n);
    enabled.add(n);
    stack.push(...Object.keys(all[n]!.depends_on ?? {}));
  }
}
