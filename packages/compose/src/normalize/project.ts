import type { JsonPath } from "../json-path.js";
import type { Project, ServiceConfig } from "../model.js";
import { absolutePath } from "../rebase-paths.js";
import { toStringMap } from "./maps.js";
import { normalizeService } from "./service.js";
import { parseBool } from "./units.js";

type Data = Record<string, unknown>;

/** What normalization needs besides the document. */
export interface NormalizeContext {
  /** The project name, already resolved. */
  name: string;
  projectDir: string;
  /** Variables for `environment` entries without a value and build args. */
  env: Record<string, string>;
}

/**
 * Turns a merged, interpolated, schema-valid compose document into the canonical project:
 * services normalized, top-level resources named `<project>_<key>` unless `name:` or `external`,
 * the implicit `default` network added when a service uses it, secret/config files absolute.
 * Throws E_INVALID_VALUE (with the JSON path) for values the schema accepts but that mean nothing.
 */
export function normalizeProject(data: unknown, ctx: NormalizeContext): Project {
  const doc = (data ?? {}) as Data;
  const services: Record<string, ServiceConfig> = {};
  for (const [name, svc] of Object.entries((doc.services as Data | undefined) ?? {}))
    services[name] = normalizeService(name, svc, ctx);
  const project: Project = { name: ctx.name, services };
  const networks = normalizeResources(doc.networks, "networks", ctx);
  const usesDefault = Object.values(services).some((s) => s.networks && "default" in s.networks);
  if (usesDefault && !networks.default) networks.default = { name: `${ctx.name}_default` };
  if (Object.keys(networks).length > 0) project.networks = networks as Project["networks"];
  for (const kind of ["volumes", "secrets", "configs"] as const) {
    const resources = normalizeResources(doc[kind], kind, ctx);
    if (Object.keys(resources).length > 0) (project as unknown as Data)[kind] = resources;
  }
  if (doc.models !== undefined) project.models = doc.models as Project["models"];
  for (const [k, v] of Object.entries(doc)) if (k.startsWith("x-")) (project as unknown as Data)[k] = v;
  return project;
}

const BOOLEAN_KEYS = ["internal", "attachable", "enable_ipv4", "enable_ipv6"];

function normalizeResources(group: unknown, kind: string, ctx: NormalizeContext): Record<string, Data> {
  const out: Record<string, Data> = {};
  for (const [key, raw] of Object.entries((group as Data | undefined) ?? {})) {
    const path: JsonPath = [kind, key];
    const res: Data = { ...((raw as Data | null) ?? {}) };
    const external = res.external;
    if (external !== undefined) {
      if (external !== null && typeof external === "object") {
        const legacyName = (external as Data).name;
        if (typeof legacyName === "string" && res.name === undefined) res.name = legacyName;
        res.external = true;
      } else res.external = parseBool(external, [...path, "external"]);
      if (res.external === false) delete res.external;
    }
    if (typeof res.name !== "string") res.name = res.external ? key : `${ctx.name}_${key}`;
    for (const b of BOOLEAN_KEYS) if (res[b] !== undefined) res[b] = parseBool(res[b], [...path, b]);
    if (res.labels !== undefined) res.labels = toStringMap(res.labels);
    if (typeof res.file === "string") res.file = absolutePath(ctx.projectDir, res.file);
    out[key] = res;
  }
  return out;
}
