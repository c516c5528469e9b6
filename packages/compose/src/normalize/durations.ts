import type { JsonPath } from "../json-path.js";
import { invalid, quote } from "./values.js";

const NS_PER_MS = 1_000_000n;
const NS_PER_SECOND = 1_000_000_000n;

/** Nanoseconds per unit, with the day and week units Compose's duration parser adds to Go's. */
const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: NS_PER_MS,
  s: NS_PER_SECOND,
  m: 60n * NS_PER_SECOND,
  h: 3_600n * NS_PER_SECOND,
  d: 86_400n * NS_PER_SECOND,
  w: 604_800n * NS_PER_SECOND,
};
const PART = /(\d+)?(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h|d|w)/y;
const MAX_NS = 2n ** 63n - 1n;
const DURATION_HINT = "use a number with a unit (ns, us, ms, s, m, h, d, w), like 30s, 1m30s or 500ms";

/**
 * Parses a duration as Compose does (Go's syntax plus `d` and `w`): `1m30s`, `500ms`, `1.5h`,
 * `-2s`, `0`. Returns exact nanoseconds. A bare number other than 0 has no unit and is rejected.
 */
export function parseDurationNs(value: unknown, path: JsonPath): bigint {
  const text = String(value).trim();
  const bad = (why: string): never =>
    invalid(path, `${quote(value)} is not a valid duration: ${why}`, DURATION_HINT);
  let pos = 0;
  let sign = 1n;
  if (text[0] === "-" || text[0] === "+") {
    sign = text[0] === "-" ? -1n : 1n;
    pos = 1;
  }
  const body = text.slice(pos);
  if (body === "0") return 0n;
  if (body === "") bad("it is empty");
  let total = 0n;
  while (pos < text.length) {
    PART.lastIndex = pos;
    const m = PART.exec(text);
    if (!m || (m[1] === undefined && !m[2])) bad(/^\d+(\.\d*)?$/.test(body) ? "missing unit" : "bad syntax");
    const unit = UNITS[m![3]!]!;
    const fraction = m![2] ?? "";
    total += BigInt(m![1] ?? "0") * unit + (BigInt(fraction || "0") * unit) / 10n ** BigInt(fraction.length);
    if (total > MAX_NS) bad("it is too long");
    pos = PART.lastIndex;
  }
  return sign * total;
}

/** Parses a duration (see `parseDurationNs`) into milliseconds, fractional below 1ms. */
export function parseDuration(value: unknown, path: JsonPath): number {
  return Number(parseDurationNs(value, path)) / 1e6;
}

/** Formats milliseconds the way Go's time.Duration prints (`1m30s`, `500ms`, `1h0m0s`, `0s`). */
export function formatDuration(ms: number): string {
  return formatDurationNs(BigInt(Math.round(ms * 1e6)));
}

/** Formats nanoseconds exactly as Go's time.Duration.String does. */
export function formatDurationNs(ns: bigint): string {
  if (ns === 0n) return "0s";
  const sign = ns < 0n ? "-" : "";
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < NS_PER_MS) return `${sign}${fraction(u, 1_000n)}µs`;
  if (u < NS_PER_SECOND) return `${sign}${fraction(u, NS_PER_MS)}ms`;
  const seconds = u / NS_PER_SECOND;
  const secondsText = `${fraction((seconds % 60n) * NS_PER_SECOND + (u % NS_PER_SECOND), NS_PER_SECOND)}s`;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secondsText}`;
  const hours = minutes / 60n;
  if (hours === 0n) return `${sign}${minutes}m${secondsText}`;
  return `${sign}${hours}h${minutes % 60n}m${secondsText}`;
}

/** `value / unit` as a decimal without trailing zeros (`1500 / 1000` → "1.5"). */
function fraction(value: bigint, unit: bigint): string {
  const whole = value / unit;
  const rest = value % unit;
  if (rest === 0n) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, "0").replace(/0+$/, "")}`;
}

const canonical = new Map<string, string>();
const CANONICAL_CACHE_SIZE = 256;

/** A duration in the canonical form `docker compose config` prints (memoized: files repeat the same few). */
export function normalizeDuration(value: unknown, path: JsonPath): string {
  const text = String(value);
  let out = canonical.get(text);
  if (out === undefined) {
    out = formatDurationNs(parseDurationNs(text, path));
    if (canonical.size >= CANONICAL_CACHE_SIZE) canonical.clear();
    canonical.set(text, out);
  }
  return out;
}
