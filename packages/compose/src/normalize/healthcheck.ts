import type { JsonPath } from "../json-path.js";
import type { HealthCheckConfig } from "../model.js";
import { normalizeDuration } from "./durations.js";
import { at, invalid, isData, mapFields, parseBool, parseInteger, quote, scalarText } from "./values.js";

const TEST_KINDS: ReadonlySet<string> = new Set(["CMD", "CMD-SHELL", "NONE"]);

/**
 * `healthcheck`: a string `test` becomes `["CMD-SHELL", test]`, a list must start with `CMD`,
 * `CMD-SHELL` or `NONE`; durations are canonical, `retries` a non-negative integer.
 */
export function normalizeHealthcheck(value: unknown, path: JsonPath): HealthCheckConfig {
  return mapFields(
    isData(value) ? value : {},
    {
      test: normalizeTest,
      interval: normalizeDuration,
      timeout: normalizeDuration,
      start_period: normalizeDuration,
      start_interval: normalizeDuration,
      retries: (v, p) => parseInteger(v, p, { min: 0 }),
      disable: parseBool,
    },
    path,
  ) as HealthCheckConfig;
}

function normalizeTest(value: unknown, path: JsonPath): string[] {
  if (!Array.isArray(value)) return ["CMD-SHELL", scalarText(value)];
  const test = value.map(scalarText);
  if (test.length > 0 && !TEST_KINDS.has(test[0]!))
    invalid(
      at(path, 0),
      `a healthcheck test list must start with "CMD", "CMD-SHELL" or "NONE", not ${quote(test[0])}`,
      'write [CMD, prog, arg…], [CMD-SHELL, "shell command"], or a plain string for a shell command',
    );
  return test;
}
