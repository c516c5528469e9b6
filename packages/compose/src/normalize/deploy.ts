import { isTscError, parsePlacementConstraint, parseSpreadPreference } from "@tsc/core";
import type { JsonPath } from "../json-path.js";
import type { DeployConfig } from "../model.js";
import { normalizeDeviceRequests } from "./devices.js";
import { normalizeDuration } from "./durations.js";
import { labelsMap } from "./maps.js";
import { parseBytes } from "./units.js";
import { at, eachItem, invalid, isData, nested, parseInteger, parseNumber } from "./values.js";
import type { Data } from "./values.js";

const count = (v: unknown, p: JsonPath): number => parseInteger(v, p, { min: 0 });

const UPDATE_RULES = {
  parallelism: count,
  delay: normalizeDuration,
  monitor: normalizeDuration,
  max_failure_ratio: parseNumber,
};
const LIMIT_RULES = {
  cpus: parseNumber,
  memory: parseBytes,
  pids: (v: unknown, p: JsonPath) => parseInteger(v, p),
};

/** `deploy` rules: counts as integers, cpus as numbers, memory in bytes, durations canonical. */
export const normalizeDeploy = nested({
  replicas: count,
  labels: labelsMap,
  update_config: nested(UPDATE_RULES),
  rollback_config: nested(UPDATE_RULES),
  resources: nested({
    limits: nested(LIMIT_RULES),
    reservations: nested({
      ...LIMIT_RULES,
      devices: normalizeDeviceRequests,
      generic_resources: eachItem(nested({ discrete_resource_spec: nested({ value: parseNumber }) })),
    }),
  }),
  restart_policy: nested({ delay: normalizeDuration, window: normalizeDuration, max_attempts: count }),
  placement: nested({
    max_replicas_per_node: count,
    constraints: eachItem(checked(parsePlacementConstraint)),
    preferences: eachItem(nested({ spread: checked(parseSpreadPreference) })),
  }),
}) as (value: unknown, path: JsonPath) => DeployConfig;

/** A string kept as written once `parse` (the scheduler's own parser) accepts it; its error is located. */
function checked(parse: (text: string) => unknown): (value: unknown, path: JsonPath) => unknown {
  return (value, path) => {
    if (typeof value !== "string") return value;
    try {
      parse(value);
    } catch (e) {
      if (!isTscError(e)) throw e;
      invalid(path, e.message);
    }
    return value;
  };
}

/**
 * Keeps `scale` and `deploy.replicas` consistent, as compose-go does: both set to different values
 * is an error; `scale` is set from `deploy.replicas` when only that is given. `svc` is the
 * normalized service and is updated in place.
 */
export function reconcileScale(svc: Data, path: JsonPath): void {
  const replicas = isData(svc.deploy) ? svc.deploy.replicas : undefined;
  if (svc.scale !== undefined && replicas !== undefined && svc.scale !== replicas)
    invalid(
      at(path, "scale"),
      `scale (${String(svc.scale)}) and deploy.replicas (${String(replicas)}) disagree`,
      "set only one of them",
    );
  if (svc.scale === undefined && replicas !== undefined) svc.scale = replicas;
}
