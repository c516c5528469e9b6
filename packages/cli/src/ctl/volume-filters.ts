import { groupFilters, invalidArgument } from "@tsc/core";

/** The fields of a listed volume the filters read. */
export interface VolumeRow {
  Name: string;
  Driver: string;
  Labels: Record<string, string>;
  /** Containers using it (empty for a dangling volume). */
  UsedBy: string[];
}

/** Go's regexp.MatchString as Docker's filters.Match uses it: a search; a bad pattern matches nothing. */
function search(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

const KEYS = new Set(["dangling", "driver", "label", "name"]);

/**
 * `volume ls --filter` as Docker's: `dangling=true|false` (1|0) for volumes no container uses or
 * that some do, `name=`/`driver=` regular expressions, `label=KEY` or `label=KEY=VALUE`; the same key
 * ORs its values, different keys AND. Other keys and dangling values are refused
 * (`invalid filter 'bogus'`).
 */
export function filterVolumes<V extends VolumeRow>(volumes: V[], filters: string[]): V[] {
  const groups = groupFilters(filters);
  for (const key of groups.keys()) if (!KEYS.has(key)) throw invalidArgument(`invalid filter '${key}'`);
  const dangling = groups.get("dangling") ?? [];
  for (const v of dangling)
    if (!["true", "false", "1", "0"].includes(v)) throw invalidArgument(`invalid filter 'dangling=${v}'`);
  const any = (key: string, test: (value: string) => boolean): boolean => {
    const values = groups.get(key) ?? [];
    return values.length === 0 || values.some(test);
  };
  return volumes.filter(
    (vol) =>
      any("dangling", (v) => (vol.UsedBy.length === 0) === (v === "true" || v === "1")) &&
      any("name", (v) => search(v, vol.Name)) &&
      any("driver", (v) => search(v, vol.Driver)) &&
      any("label", (v) => {
        const i = v.indexOf("=");
        const [k, val] = i < 0 ? [v, undefined] : [v.slice(0, i), v.slice(i + 1)];
        return k in vol.Labels && (val === undefined || vol.Labels[k] === val);
      }),
  );
}
