import type { JsonPath } from "../json-path.js";
import type { BuildConfig } from "../model.js";
import { absolutePath } from "../rebase-paths.js";
import { normalizeFileRefs } from "./file-refs.js";
import { normalizeUlimits } from "./limits.js";
import type { Lookup } from "./maps.js";
import { hostsList, keyValueMap, labelsMap, mappingWithEquals } from "./maps.js";
import { parseBytes } from "./units.js";
import { invalid, isData, mapFields, parseBool, scalarText, stringList } from "./values.js";

/** A context that is not a local directory: a URL, a git remote, `service:NAME`, `docker-image://…`. */
const NON_LOCAL_CONTEXT = /^([a-z][a-z0-9+.-]*:|git@|github\.com\/)/i;

/**
 * `build`: a string is the context; the context (default `.`) is made absolute unless remote;
 * `dockerfile` defaults to `Dockerfile` unless `dockerfile_inline` is given (both is an error);
 * args named without a value take the project environment's value or are left out, as Compose does.
 */
export function normalizeBuild(
  value: unknown,
  path: JsonPath,
  projectDir: string,
  lookup: Lookup,
): BuildConfig {
  const raw = isData(value) ? value : { context: scalarText(value) };
  const localPath = (p: string): string => (NON_LOCAL_CONTEXT.test(p) ? p : absolutePath(projectDir, p));
  const build = mapFields(
    raw,
    {
      context: (v) => localPath(scalarText(v)),
      args: (v, p) => mappingWithEquals(v, p, lookup, false),
      ssh: (v) => sshMap(v),
      labels: labelsMap,
      additional_contexts: (v, p) => mapValues(keyValueMap(v, p), localPath),
      no_cache: parseBool,
      no_cache_filter: stringList,
      pull: parseBool,
      privileged: parseBool,
      provenance: scalarText,
      sbom: scalarText,
      shm_size: parseBytes,
      extra_hosts: hostsList,
      secrets: normalizeFileRefs,
      ulimits: normalizeUlimits,
    },
    path,
  ) as unknown as BuildConfig;
  if (build.context === undefined) build.context = localPath(".");
  if (build.dockerfile !== undefined && build.dockerfile_inline !== undefined)
    invalid(path, "dockerfile and dockerfile_inline cannot both be set", "keep one of them");
  if (build.dockerfile === undefined && build.dockerfile_inline === undefined)
    build.dockerfile = "Dockerfile";
  return build;
}

/** `ssh`: `["default", "id=path"]` or `{id: path}` → `{id: path | null}`. */
function sshMap(value: unknown): Record<string, string | null> {
  if (!Array.isArray(value)) return labelsMap(value);
  const out: Record<string, string | null> = {};
  for (const item of value) {
    const text = scalarText(item);
    const eq = text.indexOf("=");
    if (eq === -1) out[text] = null;
    else out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

function mapValues(map: Record<string, string>, fn: (v: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map)) out[k] = fn(v);
  return out;
}
