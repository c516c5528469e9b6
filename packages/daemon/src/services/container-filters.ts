import { TASK_LABEL } from "@tsc/agent";
import type { ContainerSummary } from "@tsc/api";
import { groupFilters, invalidArgument } from "@tsc/core";

/** The keys `docker ps --filter` accepts. */
const KEYS = new Set([
  "ancestor",
  "before",
  "exited",
  "expose",
  "health",
  "id",
  "is-task",
  "label",
  "name",
  "network",
  "publish",
  "since",
  "status",
  "volume",
]);
const STATES = new Set(["created", "restarting", "running", "removing", "paused", "exited", "dead"]);
const HEALTH = new Set(["starting", "healthy", "unhealthy", "none"]);

/** Go's regexp.MatchString as Docker's filters.Match uses it: a search; a bad pattern matches nothing. */
function search(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    return false;
  }
}

/** `publish=`/`expose=` values (`80`, `80/udp`, `8000-8080/tcp`) as the `port/proto` keys they cover. */
function portKeys(key: string, value: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(value);
  if (!m || Number(m[2] ?? m[1]) < Number(m[1]) || Number(m[2] ?? m[1]) > 65535)
    throw invalidArgument(`invalid filter '${key}=${value}'`);
  const out: string[] = [];
  for (let p = Number(m[1]); p <= Number(m[2] ?? m[1]); p++) out.push(`${p}/${m[3] ?? "tcp"}`);
  return out;
}

/**
 * `docker ps --filter` as the daemon applies it: the same key ORs its values, different keys AND.
 * Unknown keys and bad values are refused with Docker's words (`invalid filter 'bogus'`,
 * `invalid filter 'status=bogus'`) before anything is listed. `name=` and `id=` are regular
 * expressions (searched, as Docker's); `before=`/`since=` name a container (`lookup`, which throws
 * when there is none) and keep the ones created before/after it.
 */
export function containerFilter(
  filters: string[],
  lookup: (ref: string) => ContainerSummary,
): (s: ContainerSummary) => boolean {
  const groups = groupFilters(filters);
  for (const key of groups.keys()) if (!KEYS.has(key)) throw invalidArgument(`invalid filter '${key}'`);
  const values = (key: string): string[] => groups.get(key) ?? [];
  for (const v of values("status")) if (!STATES.has(v)) throw invalidArgument(`invalid filter 'status=${v}'`);
  for (const v of values("health"))
    if (!HEALTH.has(v)) throw invalidArgument(`unrecognized filter value for health: ${v}`);
  for (const v of values("exited"))
    if (!/^[+-]?\d+$/.test(v))
      throw invalidArgument(
        `invalid filter 'exited=${v}': strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`,
      );
  const isTask = values("is-task");
  if (isTask.length && !(isTask.length === 1 && ["true", "false"].includes(isTask[0]!)))
    throw invalidArgument(`Invalid filter 'is-task=[${isTask.join(" ")}]'`);
  const published = new Set(values("publish").flatMap((v) => portKeys("publish", v)));
  const exposed = new Set(values("expose").flatMap((v) => portKeys("expose", v)));
  const created = (s: ContainerSummary) => Date.parse(s.created);
  const before = values("before").map((r) => created(lookup(r)));
  const since = values("since").map((r) => created(lookup(r)));

  const any = (key: string, test: (v: string) => boolean): boolean => {
    const vs = values(key);
    return vs.length === 0 || vs.some(test);
  };
  return (s) => {
    const names = s.names.flatMap((n) => [n, n.replace(/^\//, "")]);
    const mounts = s.mounts.flatMap((m) => [m.name || m.source, m.destination]);
    const ports = (pick: (p: ContainerSummary["ports"][number]) => number) =>
      s.ports.map((p) => `${pick(p)}/${p.type}`);
    return (
      any("status", (v) => s.state === v) &&
      any("name", (v) => names.some((n) => search(v, n))) &&
      any("id", (v) => search(v, s.id)) &&
      any("label", (v) => {
        const i = v.indexOf("=");
        const [lk, lv] = i < 0 ? [v, undefined] : [v.slice(0, i), v.slice(i + 1)];
        return lk in s.labels && (lv === undefined || s.labels[lk] === lv);
      }) &&
      any("ancestor", (v) => s.image === v || s.imageId.includes(v) || s.image.startsWith(`${v}:`)) &&
      any("exited", (v) => s.state === "exited" && s.exitCode === Number(v)) &&
      any("network", (v) => s.networks.includes(v)) &&
      any("health", (v) => (s.health || "none") === v) &&
      any("volume", (v) => mounts.includes(v)) &&
      any("is-task", (v) => TASK_LABEL in s.labels === (v === "true")) &&
      (published.size === 0 && exposed.size === 0
        ? true
        : ports((p) => p.publicPort).some((k) => published.has(k)) ||
          ports((p) => p.privatePort).some((k) => exposed.has(k))) &&
      before.every((t) => created(s) < t) &&
      since.every((t) => created(s) > t)
    );
  };
}
