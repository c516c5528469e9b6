import type { JsonPath } from "../json-path.js";
import type { DependencyCondition, ServiceDependency } from "../model.js";
import { at, isData, mapFields, parseBool, scalarText } from "./values.js";
import type { Data } from "./values.js";

const SERVICE_PREFIX = "service:";
const CONTAINER_PREFIX = "container:";
/** Keys whose `service:NAME` value shares a namespace with another service. */
const NAMESPACE_KEYS = ["network_mode", "ipc", "pid", "uts", "cgroup"] as const;

/** A service named outside `depends_on` — by links, volumes_from or a `service:` namespace mode. */
export interface ImplicitReference {
  /** The service referred to. */
  service: string;
  /** Where the reference is written, relative to the service (`["links", 0]`). */
  path: JsonPath;
}

/** The service fields that can name other services outside depends_on. */
export type ReferencingFields = Readonly<
  Partial<Record<"links" | "volumes_from" | (typeof NAMESPACE_KEYS)[number], unknown>>
>;

/**
 * The services a service needs without listing them in `depends_on`: `links` (`db` or `db:alias`),
 * `volumes_from` (`svc[:ro]` or `service:svc[:ro]`, but not `container:…`), and `network_mode`,
 * `ipc`, `pid`, `uts`, `cgroup` set to `service:NAME`.
 */
export function implicitReferences(svc: ReferencingFields): ImplicitReference[] {
  const refs: ImplicitReference[] = [];
  listOf(svc.links).forEach((link, i) => refs.push({ service: link.split(":")[0]!, path: ["links", i] }));
  listOf(svc.volumes_from).forEach((spec, i) => {
    if (spec.startsWith(CONTAINER_PREFIX)) return;
    const name = spec.startsWith(SERVICE_PREFIX) ? spec.slice(SERVICE_PREFIX.length) : spec;
    refs.push({ service: name.split(":")[0]!, path: ["volumes_from", i] });
  });
  for (const key of NAMESPACE_KEYS) {
    const mode = svc[key];
    if (typeof mode === "string" && mode.startsWith(SERVICE_PREFIX))
      refs.push({ service: mode.slice(SERVICE_PREFIX.length), path: [key] });
  }
  return refs;
}

function listOf(value: unknown): string[] {
  return Array.isArray(value) ? value.map(scalarText) : [];
}

/**
 * `depends_on` in long form (`[db]` → `{db: {condition: service_started, required: true}}`,
 * defaults filled in), plus every implicit reference as a started, required dependency, as
 * compose-go does. Undefined when the service depends on nothing.
 */
export function normalizeDependsOn(svc: Data, path: JsonPath): Record<string, ServiceDependency> | undefined {
  const out: Record<string, ServiceDependency> = {};
  const raw = svc.depends_on;
  if (Array.isArray(raw)) for (const name of raw) out[scalarText(name)] = started();
  else if (isData(raw))
    for (const [name, dep] of Object.entries(raw)) out[name] = normalizeDependency(dep, at(path, name));
  for (const ref of implicitReferences(svc)) out[ref.service] ??= started();
  return Object.keys(out).length > 0 ? out : undefined;
}

function started(): ServiceDependency {
  return { condition: "service_started", required: true };
}

function normalizeDependency(dep: unknown, path: JsonPath): ServiceDependency {
  const out = mapFields(isData(dep) ? dep : {}, { required: parseBool, restart: parseBool }, path);
  return {
    ...out,
    condition: (out.condition as DependencyCondition | undefined) ?? "service_started",
    required: (out.required as boolean | undefined) ?? true,
  } as ServiceDependency;
}
