import type { JsonPath } from "../json-path.js";
import { invalid, quote } from "./values.js";

/** Binary multiples, as Docker's RAMInBytes reads them (`k` = 1024). */
const MULTIPLIERS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};
const SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$/i;
const INTEGER = /^[-+]?\d+$/;

/**
 * Parses a byte size as Compose does: an integer (negative allowed, e.g. -1 for "unlimited"), or a
 * number with a binary unit: `512m` → 536870912, `1.5g`, `100kb`, `64MiB`, `1 g`.
 */
export function parseBytes(value: unknown, path: JsonPath): number {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return Math.trunc(value);
  } else {
    const text = String(value).trim();
    if (INTEGER.test(text)) return Number(text);
    const m = SIZE.exec(text);
    if (m) return Math.floor(Number(m[1]) * MULTIPLIERS[m[2]!.toLowerCase()]!);
  }
  return invalid(
    path,
    `${quote(value)} is not a valid size`,
    "use a number of bytes or a number with a unit: 512m, 1g, 100k",
  );
}
