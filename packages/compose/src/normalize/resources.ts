import type { JsonPath } from "../json-path.js";
import type { FileObjectConfig, NetworkConfig, VolumeConfig } from "../model.js";
import { absolutePath } from "../rebase-paths.js";
import { labelsMap, optionsMap } from "./maps.js";
import { at, eachItem, invalid, isData, mapFields, nested, parseBool, quote } from "./values.js";
import type { Data } from "./values.js";

/** The four kinds of named top-level resources. */
export type ResourceKind = "networks" | "volumes" | "secrets" | "configs";

type Rules = Parameters<typeof mapFields>[1];

const NETWORK_RULES: Rules = {
  driver_opts: optionsMap,
  labels: labelsMap,
  internal: parseBool,
  attachable: parseBool,
  enable_ipv4: parseBool,
  enable_ipv6: parseBool,
  ipam: nested({ options: optionsMap, config: eachItem(nested({ aux_addresses: optionsMap })) }),
};
const VOLUME_RULES: Rules = { driver_opts: optionsMap, labels: labelsMap };
const FILE_OBJECT_RULES: Rules = { driver_opts: optionsMap, labels: labelsMap };

const RULES: Readonly<Record<ResourceKind, Rules>> = {
  networks: NETWORK_RULES,
  volumes: VOLUME_RULES,
  secrets: FILE_OBJECT_RULES,
  configs: FILE_OBJECT_RULES,
};

/** Where a resource's engine-side name comes from, and its project directory for paths. */
export interface ResourceContext {
  projectName: string;
  projectDir: string;
}

/**
 * Normalizes one top-level group. Every entry gets its engine-side `name`: as written, else the
 * key when `external` (the legacy `external: {name}` moves to `name`), else `<project>_<key>`.
 * Booleans and option values are canonical; secret/config files and `o: bind` volume devices are
 * absolute; a secret or config must say where its content comes from.
 */
export function normalizeResources(
  kind: ResourceKind,
  group: unknown,
  ctx: ResourceContext,
): Record<string, NetworkConfig | VolumeConfig | FileObjectConfig> {
  const out: Record<string, NetworkConfig | VolumeConfig | FileObjectConfig> = {};
  if (!isData(group)) return out;
  for (const [key, raw] of Object.entries(group)) {
    const path = [kind, key];
    const res = mapFields(isData(raw) ? raw : {}, { ...RULES[kind], external: () => undefined }, path);
    const external = externalSetting(isData(raw) ? raw : {}, path);
    if (external.legacyName !== undefined) {
      if (res.name !== undefined && res.name !== external.legacyName)
        invalid(
          at(path, "name"),
          "name and the deprecated external.name disagree",
          "keep only name, with external: true",
        );
      res.name ??= external.legacyName;
    }
    if (external.external) res.external = true;
    res.name ??= external.external ? key : `${ctx.projectName}_${key}`;
    if (kind === "secrets" || kind === "configs") resolveFileObject(res, kind, key, ctx.projectDir);
    if (kind === "volumes") resolveBindDevice(res, ctx.projectDir);
    out[key] = res as unknown as NetworkConfig;
  }
  return out;
}

function externalSetting(raw: Data, path: JsonPath): { external: boolean; legacyName?: string } {
  const ext = raw.external;
  if (ext === undefined || ext === null) return { external: false };
  if (!isData(ext)) return { external: parseBool(ext, at(path, "external")) };
  return { external: true, legacyName: typeof ext.name === "string" ? ext.name : undefined };
}

function resolveFileObject(res: Data, kind: "secrets" | "configs", key: string, projectDir: string): void {
  if (typeof res.file === "string") res.file = absolutePath(projectDir, res.file);
  if (res.external) return;
  const sources = kind === "secrets" ? ["file", "environment"] : ["file", "environment", "content"];
  if (!sources.some((s) => res[s] !== undefined))
    invalid(
      [kind, key],
      `${kind === "secrets" ? "secret" : "config"} ${quote(key)} has no content source`,
      `set ${sources.join(", ").replace(/, (\w+)$/, " or $1")}, or external: true`,
    );
}

/** The `local` driver with `o: bind` mounts `device` as a host path: make it absolute. */
function resolveBindDevice(res: Data, projectDir: string): void {
  const opts = res.driver_opts;
  if (res.driver !== "local" || !isData(opts) || typeof opts.device !== "string") return;
  if (
    String(opts.o ?? "")
      .split(",")
      .includes("bind")
  )
    res.driver_opts = { ...opts, device: absolutePath(projectDir, opts.device) };
}
