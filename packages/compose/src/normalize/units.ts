import { ComposeError } from "../errors.js";
import type { JsonPath } from "../json-path.js";

/** Throws E_INVALID_VALUE for the value at `path`. */
export function invalid(path: JsonPath, detail: string, hint?: string): never {
  throw new ComposeError({ code: "E_INVALID_VALUE", path, detail, hint });
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a Go duration (`1m30s`, `500ms`, `1.5h`; `0` alone) into milliseconds. */
export function parseDuration(value: unknown, path: JsonPath): number {
  const text = String(value).trim();
  const bad = (): never =>
    invalid(
      path,
      `${JSON.stringify(value)} is not a valid duration`,
      "use a number with a unit, like 30s, 1m30s or 500ms",
    );
  if (text === "0") return 0;
  if (text === "") bad();
  let ms = 0;
  let pos = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (!m) bad();
    ms += Number(m![1]) * DURATION_UNITS[m![2]!]!;
    pos = DURATION_PART.lastIndex;
  }
  return ms;
}

/** Formats milliseconds the way Go's time.Duration prints (`1m30s`, `500ms`, `1h0m0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  if (rest < 1000) {
    if (rest >= 1) return `${sign}${trim(rest)}ms`;
    if (rest >= 1e-3) return `${sign}${trim(rest * 1e3)}µs`;
    return `${sign}${trim(rest * 1e6)}ns`;
  }
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = `${trim(rest / 1000)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}

/** Normalizes a duration to Go's canonical form. */
export function normalizeDuration(value: unknown, path: JsonPath): string {
  return formatDuration(parseDuration(value, path));
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};

/** Parses a byte size as Docker does (`512m`, `1.5g`, `100kb`, `1024`; binary multiples) into bytes. */
export function parseBytes(value: unknown, path: JsonPath): number {
  if (typeof value === "number" && Number.isFinite(value)) return Math.floor(value);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(String(value));
  if (!m)
    return invalid(
      path,
      `${JSON.stringify(value)} is not a valid size`,
      "use a number of bytes or a unit: 512m, 1g, 100k",
    );
  return Math.floor(Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]!);
}

/** Parses booleans written as YAML booleans or strings (`true`, `false`, `1`, `0`, as Go's ParseBool). */
export function parseBool(value: unknown, path: JsonPath): boolean {
  if (typeof value === "boolean") return value;
  const s = String(value);
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return invalid(path, `${JSON.stringify(value)} is not a boolean`, "use true or false");
}

/** Parses an integer written as a number or a string. */
export function parseInteger(value: unknown, path: JsonPath): number {
  const n = typeof value === "number" ? value : /^\s*[-+]?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(n)) return invalid(path, `${JSON.stringify(value)} is not an integer`);
  return n;
}

/** Parses a number written as a number or a string. */
export function parseNumber(value: unknown, path: JsonPath): number {
  const n = typeof value === "number" ? value : String(value).trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n)) return invalid(path, `${JSON.stringify(value)} is not a number`);
  return n;
}

/** Parses a file mode: a number, or an octal string like "0440". */
export function parseFileMode(value: unknown, path: JsonPath): number {
  if (typeof value === "number") return value;
  const s = String(value).trim();
  if (/^0[0-7]*$/.test(s)) return parseInt(s, 8);
  return parseInteger(s, path);
}
