import { ComposeError } from "../errors.js";
import type { JsonPath } from "../json-path.js";

/** A YAML mapping as plain data. */
export type Data = Record<string, unknown>;

/** True for a plain mapping (not null, not a list). */
export function isData(value: unknown): value is Data {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Throws E_INVALID_VALUE for the value at `path`. */
export function invalid(path: JsonPath, detail: string, hint?: string): never {
  throw new ComposeError({ code: "E_INVALID_VALUE", path, detail, hint });
}

/** `"abc"` → `"abc"` quoted for messages; other values as JSON. */
export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

const TRUE = new Set(["1", "t", "true", "y", "yes", "on"]);
const FALSE = new Set(["0", "f", "false", "n", "no", "off"]);

/**
 * A boolean written as a YAML boolean or a string: Go's `strconv.ParseBool` spellings (`1`, `t`,
 * `true` …) and the YAML 1.1 words Compose still accepts (`yes`, `no`, `on`, `off`), any case.
 */
export function parseBool(value: unknown, path: JsonPath): boolean {
  if (typeof value === "boolean") return value;
  const s = String(value).trim().toLowerCase();
  if (TRUE.has(s)) return true;
  if (FALSE.has(s)) return false;
  return invalid(path, `${quote(value)} is not a boolean`, "use true or false");
}

/** Bounds for `parseInteger`. */
export interface IntegerRange {
  min?: number;
  max?: number;
}

/** An integer written as a number or a numeric string, optionally within `range`. */
export function parseInteger(value: unknown, path: JsonPath, range: IntegerRange = {}): number {
  const n =
    typeof value === "number" ? value : /^\s*[-+]?\d+\s*$/.test(String(value)) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n))
    return invalid(path, `${quote(value)} is not an integer`, "use a whole number");
  const { min, max } = range;
  if ((min !== undefined && n < min) || (max !== undefined && n > max))
    invalid(path, `${n} is out of range`, rangeHint(range));
  return n;
}

function rangeHint({ min, max }: IntegerRange): string {
  if (min !== undefined && max !== undefined) return `use a number from ${min} to ${max}`;
  return min !== undefined ? `use a number of at least ${min}` : `use a number of at most ${max}`;
}

/** A number written as a number or a numeric string (`0.5`, `"1.5"`). */
export function parseNumber(value: unknown, path: JsonPath): number {
  const n = typeof value === "number" ? value : String(value).trim() === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(n)) return invalid(path, `${quote(value)} is not a number`, "use a number, like 0.5");
  return n;
}

/** A permission mode: numbers as written, strings read as octal (`"0440"` and `"440"` → 288), as compose-go. */
export function parseOctalMode(value: unknown, path: JsonPath): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return value;
  const s = String(value).trim();
  if (!/^0?o?[0-7]+$/.test(s))
    return invalid(path, `${quote(value)} is not a file mode`, 'write the mode in octal, like "0440"');
  return parseInt(s.replace(/^0?o/, ""), 8);
}

/** A scalar as text, the way Go's fmt.Sprint prints it (`80` → "80", `true` → "true", null → ""). */
export function scalarText(value: unknown): string {
  return value === null || value === undefined ? "" : String(value);
}

/** A string or a list of scalars as a list of strings. */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(scalarText) : [scalarText(value)];
}

/** `path` extended by one or more keys (the JSON path helpers every normalizer uses). */
export function at(path: JsonPath, ...keys: (string | number)[]): JsonPath {
  return [...path, ...keys];
}

/**
 * Copies the keys of `source` into a new object, transforming those that have a rule and keeping
 * the others (including `x-*` extensions) as they are. Null values are dropped (an unset field),
 * except in extensions; a rule returning undefined drops its field.
 */
export function mapFields(
  source: Data,
  rules: Readonly<Record<string, (value: unknown, path: JsonPath) => unknown>>,
  path: JsonPath,
): Data {
  const out: Data = {};
  for (const key in source) {
    const value = source[key];
    if (value === undefined || (value === null && !key.startsWith("x-"))) continue;
    const rule = rules[key];
    const result = rule ? rule(value, at(path, key)) : value;
    if (result !== undefined) out[key] = result;
  }
  return out;
}

/** A rule that applies `rules` to a nested mapping (other values pass unchanged). */
export function nested(
  rules: Readonly<Record<string, (value: unknown, path: JsonPath) => unknown>>,
): (value: unknown, path: JsonPath) => unknown {
  return (value, path) => (isData(value) ? mapFields(value, rules, path) : value);
}

/** A rule that applies `fn` to every item of a list, with the item's path (a non-list gives []). */
export function eachItem<T>(
  fn: (item: unknown, path: JsonPath) => T,
): (value: unknown, path: JsonPath) => T[] {
  return (value, path) => (Array.isArray(value) ? value.map((item, i) => fn(item, at(path, i))) : []);
}
