import type { JsonPath } from "../json-path.js";
import type { BlkioConfig, UlimitConfig } from "../model.js";
import { parseBytes } from "./units.js";
import { at, eachItem, invalid, isData, mapFields, nested, parseInteger } from "./values.js";

/** `ulimits`: each a single integer or `{soft, hard}` with soft ≤ hard. */
export function normalizeUlimits(value: unknown, path: JsonPath): Record<string, UlimitConfig> {
  const out: Record<string, UlimitConfig> = {};
  if (!isData(value)) return out;
  for (const [name, limit] of Object.entries(value)) {
    const limitPath = at(path, name);
    if (!isData(limit)) {
      out[name] = parseInteger(limit, limitPath);
      continue;
    }
    const soft = parseInteger(limit.soft, at(limitPath, "soft"));
    const hard = parseInteger(limit.hard, at(limitPath, "hard"));
    if (soft > hard)
      invalid(
        limitPath,
        `the soft limit (${soft}) is above the hard limit (${hard})`,
        "make soft at most hard",
      );
    out[name] = { soft, hard };
  }
  return out;
}

const throttles = (rate: (v: unknown, p: JsonPath) => number) =>
  eachItem((item, p) => (isData(item) ? mapFields(item, { rate }, p) : item));
const weight = (v: unknown, p: JsonPath): number => parseInteger(v, p, { min: 0, max: 1000 });
const count = (v: unknown, p: JsonPath): number => parseInteger(v, p, { min: 0 });

/** `blkio_config`: weights as integers, byte rates in bytes per second, IO rates as integers. */
export const normalizeBlkio = nested({
  weight,
  weight_device: eachItem((item, p) => (isData(item) ? mapFields(item, { weight }, p) : item)),
  device_read_bps: throttles(parseBytes),
  device_write_bps: throttles(parseBytes),
  device_read_iops: throttles(count),
  device_write_iops: throttles(count),
}) as (value: unknown, path: JsonPath) => BlkioConfig;
