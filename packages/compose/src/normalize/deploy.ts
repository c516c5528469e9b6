import type { JsonPath } from "../json-path.js";
import type { DeployConfig, HealthCheckConfig } from "../model.js";
import { toStringMap } from "./maps.js";
import { normalizeDuration, parseBool, parseBytes, parseInteger, parseNumber } from "./units.js";

type Data = Record<string, unknown>;
type Rules = Record<string, (v: unknown, path: JsonPath) => unknown>;

/** Applies per-key rules to a map, keeping keys without a rule as they are. */
function applyRules(value: Data, rules: Rules, path: JsonPath): Data {
  const out: Data = {};
  for (const [k, v] of Object.entries(value))
    out[k] = rules[k] && v !== undefined && v !== null ? rules[k](v, [...path, k]) : v;
  return out;
}

const nested = (rules: Rules) => (v: unknown, path: JsonPath) => applyRules(v as Data, rules, path);

const UPDATE_RULES: Rules = {
  parallelism: parseInteger,
  delay: normalizeDuration,
  monitor: normalizeDuration,
  max_failure_ratio: parseNumber,
};
const RESOURCE_RULES: Rules = { cpus: parseNumber, memory: parseBytes, pids: parseInteger };

const DEPLOY_RULES: Rules = {
  replicas: parseInteger,
  labels: (v) => toStringMap(v),
  update_config: nested(UPDATE_RULES),
  rollback_config: nested(UPDATE_RULES),
  resources: nested({ limits: nested(RESOURCE_RULES), reservations: nested(RESOURCE_RULES) }),
  restart_policy: nested({ delay: normalizeDuration, window: normalizeDuration, max_attempts: parseInteger }),
  placement: nested({ max_replicas_per_node: parseInteger }),
};

/** `deploy`: counts as integers, cpus as numbers, memory in bytes, durations canonical. */
export function normalizeDeploy(deploy: Data, path: JsonPath): DeployConfig {
  return applyRules(deploy, DEPLOY_RULES, path) as DeployConfig;
}

/** `healthcheck`: `test` as a list (`CMD-SHELL` for a string), durations canonical, retries an integer. */
export function normalizeHealthcheck(hc: Data, path: JsonPath): HealthCheckConfig {
  const out = applyRules(
    hc,
    {
      interval: normalizeDuration,
      timeout: normalizeDuration,
      start_period: normalizeDuration,
      start_interval: normalizeDuration,
      retries: parseInteger,
      disable: parseBool,
    },
    path,
  );
  if (typeof hc.test === "string") out.test = ["CMD-SHELL", hc.test];
  return out as HealthCheckConfig;
}
