/** `["A=B", "C"]` or `{A: "B", C: null}` → a map; list items without `=` get `missing(name)`. */
export function listOrDictToMap(
  value: unknown,
  missing: (name: string) => string | null = () => null,
  sep = "=",
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = String(item);
      const i = s.indexOf(sep);
      if (i === -1) out[s] = missing(s);
      else out[s.slice(0, i)] = s.slice(i + 1);
    }
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value))
      out[k] = v === null || v === undefined ? missing(k) : String(v);
  }
  return out;
}

/** Like `listOrDictToMap` but for labels and similar maps where a missing value is "". */
export function toStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(listOrDictToMap(value))) out[k] = v ?? "";
  return out;
}
