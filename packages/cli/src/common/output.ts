import { stringify } from "yaml";

/** A copy of `value` whose map keys are sorted, recursively (sequence order is kept). */
export function sortKeysDeep(value: unknown, topOrder: readonly string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeysDeep(v));
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  const rank = (k: string): number => {
    const i = topOrder.indexOf(k);
    return i === -1 ? topOrder.length : i;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)]));
}

/** YAML as `docker compose config` prints it: two-space indent, sequences indented, no line folding. */
export function toYaml(value: unknown): string {
  return stringify(value, { indent: 2, indentSeq: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/** Pretty JSON with a trailing newline. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
