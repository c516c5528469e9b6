/**
 * A value carrying one of Compose's merge tags. `!reset` (value ignored) removes whatever earlier
 * files set at that key; `!override` replaces it instead of merging. The parser produces these, the
 * merger consumes them, and `stripYamlTags` turns a single document into plain data for validation.
 */
export class YamlTag {
  constructor(
    readonly tag: "!reset" | "!override",
    readonly value: unknown,
  ) {}
}

/** True when `data` holds a YamlTag anywhere (a walk without allocation). */
export function hasYamlTags(data: unknown): boolean {
  if (data instanceof YamlTag) return true;
  if (Array.isArray(data)) return data.some(hasYamlTags);
  if (data !== null && typeof data === "object") {
    for (const k in data) if (hasYamlTags((data as Record<string, unknown>)[k])) return true;
  }
  return false;
}

/**
 * `data` with `!reset` keys/items dropped and `!override` values unwrapped: a copy where tags were
 * found, `data` itself (shared, never to be mutated) where there were none.
 */
export function stripYamlTags(data: unknown): unknown {
  return hasYamlTags(data) ? strip(data) : data;
}

function strip(data: unknown): unknown {
  if (data instanceof YamlTag) return data.tag === "!reset" ? undefined : strip(data.value);
  if (Array.isArray(data)) {
    return data.filter((v) => !(v instanceof YamlTag && v.tag === "!reset")).map(stripYamlTags);
  }
  if (data !== null && typeof data === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) {
      if (v instanceof YamlTag && v.tag === "!reset") continue;
      out[k] = strip(v);
    }
    return out;
  }
  return data;
}
