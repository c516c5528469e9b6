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

/** A deep copy of `data` with `!reset` keys/items dropped and `!override` values unwrapped. */
export function stripYamlTags(data: unknown): unknown {
  if (data instanceof YamlTag) return data.tag === "!reset" ? undefined : stripYamlTags(data.value);
  if (Array.isArray(data)) {
    return data.filter((v) => !(v instanceof YamlTag && v.tag === "!reset")).map(stripYamlTags);
  }
  if (data !== null && typeof data === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) {
      if (v instanceof YamlTag && v.tag === "!reset") continue;
      out[k] = stripYamlTags(v);
    }
    return out;
  }
  return data;
}
