import { ComposeError } from "./errors.js";
import type { JsonPath } from "./json-path.js";
import { stripYamlTags, YamlTag } from "./yaml-tag.js";

type Data = Record<string, unknown>;
type Strategy = (base: unknown, override: unknown, path: JsonPath) => unknown;

/**
 * Merges an override document over a base one with Compose's rules: maps merge recursively,
 * sequences append (scalars without duplicates), `command`/`entrypoint`/`healthcheck.test` replace,
 * `ports`/`volumes`/`secrets`/`configs` are unique by their key (the override wins), environment-like
 * lists and maps merge by variable name, `depends_on` and service `networks` by service or network
 * name. `!reset` removes what the base set; `!override` replaces it. Pure: inputs are never mutated,
 * and the result holds no YamlTag. Throws E_MERGE when a map would be overridden by a non-map.
 */
export function mergeComposeData(base: unknown, override: unknown): unknown {
  return mergeAt(stripYamlTags(base), override, []);
}

const byKey =
  (keyOf: (item: unknown) => string): Strategy =>
  (base, override, path) => {
    const out: unknown[] = [];
    const index = new Map<string, number>();
    const add = (item: unknown): void => {
      const key = keyOf(item);
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, out.length);
        out.push(item);
      } else out[at] = item;
    };
    for (const item of asList(base, path)) add(item);
    for (const item of asList(override, path)) {
      if (item instanceof YamlTag) continue;
      add(stripYamlTags(item));
    }
    return out;
  };

const replace: Strategy = (_base, override) => stripYamlTags(override);

/** `list_or_dict` fields: merged by name, as a map. */
const byName: Strategy = (base, override, path) => mergeMaps(toMap(base, "="), toMap(override, "="), path);

/** depends_on / service networks: both lists stay a list (union); otherwise merged as maps. */
const namedEntries =
  (listValue: () => unknown): Strategy =>
  (base, override, path) => {
    if (Array.isArray(base) && Array.isArray(override))
      return unionScalars(base, override.map(stripYamlTags));
    const toEntries = (v: unknown): Data =>
      Array.isArray(v)
        ? Object.fromEntries(v.map((k) => [String(k), listValue()]))
        : ((v as Data | null) ?? {});
    return mergeMaps(toEntries(base), toEntries(override), path);
  };

const extraHosts: Strategy = (base, override, path) => {
  if (Array.isArray(base) && Array.isArray(override)) return unionScalars(base, override.map(stripYamlTags));
  return mergeMaps(toMap(base, /[=:]/), toMap(override, /[=:]/), path);
};

const logging: Strategy = (base, override, path) => {
  const b = (base ?? {}) as Data;
  const o = (stripYamlTags(override) ?? {}) as Data;
  if (b.driver !== undefined && o.driver !== undefined && b.driver !== o.driver) return o;
  return mergeMaps(b, o, path);
};

const build: Strategy = (base, override, path) => {
  const wrap = (v: unknown): Data => (typeof v === "string" ? { context: v } : (v as Data));
  if (override instanceof YamlTag) return mergeAt(base, override, []);
  return mergeMaps(wrap(base), wrap(override), path);
};

const portKey = (p: unknown): string => (typeof p === "object" && p !== null ? JSON.stringify(p) : String(p));
const volumeKey = (v: unknown): string => {
  if (typeof v === "object" && v !== null) return String((v as Data).target);
  const parts = String(v).split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
};
const fileRefKey = (v: unknown): string => {
  if (typeof v === "object" && v !== null) return String((v as Data).target ?? (v as Data).source);
  return String(v);
};

/** Special rules by path; `*` matches any one segment. */
const SPECIAL: [string[], Strategy][] = [
  [["services", "*", "command"], replace],
  [["services", "*", "entrypoint"], replace],
  [["services", "*", "healthcheck", "test"], replace],
  [["services", "*", "ports"], byKey(portKey)],
  [["services", "*", "volumes"], byKey(volumeKey)],
  [["services", "*", "secrets"], byKey(fileRefKey)],
  [["services", "*", "configs"], byKey(fileRefKey)],
  [["services", "*", "environment"], byName],
  [["services", "*", "labels"], byName],
  [["services", "*", "annotations"], byName],
  [["services", "*", "sysctls"], byName],
  [["services", "*", "build", "args"], byName],
  [["services", "*", "build", "labels"], byName],
  [["services", "*", "deploy", "labels"], byName],
  [["services", "*", "extra_hosts"], extraHosts],
  [["services", "*", "build", "extra_hosts"], extraHosts],
  [["services", "*", "depends_on"], namedEntries(() => ({ condition: "service_started" }))],
  [["services", "*", "networks"], namedEntries(() => null)],
  [["services", "*", "logging"], logging],
  [["services", "*", "build"], build],
  [["networks", "*", "labels"], byName],
  [["volumes", "*", "labels"], byName],
];

/** Merges two definitions of one service (used by `extends`), with the same rules as files. */
export function mergeServiceData(base: unknown, override: unknown): unknown {
  const merged = mergeComposeData({ services: { s: base } }, { services: { s: override } }) as Data;
  return (merged.services as Data).s;
}

function specialFor(path: JsonPath): Strategy | undefined {
  for (const [pattern, strategy] of SPECIAL) {
    if (pattern.length !== path.length) continue;
    if (pattern.every((seg, i) => seg === "*" || seg === path[i])) return strategy;
  }
  return undefined;
}

function mergeAt(base: unknown, override: unknown, path: JsonPath): unknown {
  if (override instanceof YamlTag)
    return override.tag === "!reset" ? undefined : stripYamlTags(override.value);
  if (base === undefined) return stripYamlTags(override);
  const special = specialFor(path);
  if (special) return special(base, override, path);
  if (isMap(base)) {
    if (override === null) return null;
    if (!isMap(override))
      throw new ComposeError({
        code: "E_MERGE",
        path,
        detail: `cannot override a mapping with ${describe(override)}`,
        hint: "use the same form in both files, or tag the override with !override",
      });
    return mergeMaps(base, override, path);
  }
  if (Array.isArray(base) && Array.isArray(override)) return unionScalars(base, override.map(stripYamlTags));
  return stripYamlTags(override);
}

function mergeMaps(base: Data, override: Data, path: JsonPath): Data {
  const out: Data = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const merged = mergeAt(base[k], v, [...path, k]);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

/** Appends `more` to `list`, skipping scalars already present (maps and lists always append). */
function unionScalars(list: unknown[], more: unknown[]): unknown[] {
  const out = [...list];
  for (const item of more) {
    if (item !== null && typeof item === "object") out.push(item);
    else if (!out.includes(item)) out.push(item);
  }
  return out;
}

/** `["A=B", "C"]` → `{A: "B", C: null}`; a map is returned as is. */
function toMap(value: unknown, sep: string | RegExp): Data {
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) return value as Data;
  const out: Data = {};
  for (const item of value) {
    if (item instanceof YamlTag) continue;
    const s = String(item);
    const m = typeof sep === "string" ? s.indexOf(sep) : s.search(sep);
    if (m === -1) out[s] = null;
    else out[s.slice(0, m)] = s.slice(m + 1);
  }
  return out;
}

function asList(value: unknown, path: JsonPath): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new ComposeError({ code: "E_MERGE", path, detail: `expected a list, got ${describe(value)}` });
}

function isMap(v: unknown): v is Data {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof YamlTag);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}
