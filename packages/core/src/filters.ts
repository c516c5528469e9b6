/** Docker's `--filter key=value` list grouped by key (the same key ORs, different keys AND). */
export function groupFilters(filters: string[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const f of filters) {
    const i = f.indexOf("=");
    const k = i < 0 ? f : f.slice(0, i);
    byKey.set(k, [...(byKey.get(k) ?? []), i < 0 ? "" : f.slice(i + 1)]);
  }
  return byKey;
}
