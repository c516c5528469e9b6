/** Go duration strings (`1m30s`, `1.5h`, `300ms`), as compose writes `stop_grace_period` and healthcheck times. */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Milliseconds in a Go duration string (`-1m30s` → -90000); throws on anything Go's time.ParseDuration rejects. */
export function parseDurationMs(text: string): number {
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s.startsWith("-")) sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw new Error(`invalid duration "${text}"`);
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const at = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== at) throw new Error(`invalid duration "${text}"`);
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? NaN);
  }
  if (!Number.isFinite(total)) throw new Error(`invalid duration "${text}"`);
  return sign * total;
}

/** Whole milliseconds in a Go duration string (rounded to the nearest). */
export function durationMs(text: string): number {
  return Math.round(parseDurationMs(text));
}

/** Whole seconds in a Go duration string, truncated as Compose's `int(d.Seconds())` does. */
export function durationSeconds(text: string): number {
  return Math.trunc(parseDurationMs(text) / 1000);
}
