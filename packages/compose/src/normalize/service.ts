import type { JsonPath } from "../json-path.js";
import type { ServiceConfig } from "../model.js";
import { normalizeBuild } from "./build.js";
import { normalizeCommand, normalizeHooks } from "./commands.js";
import type { ServiceContext } from "./context.js";
import { normalizeDependsOn } from "./depends-on.js";
import { normalizeDeploy, reconcileScale } from "./deploy.js";
import { normalizeDevices, normalizeGpus } from "./devices.js";
import { normalizeDuration } from "./durations.js";
import { resolveServiceEnvironment, resolveServiceLabels } from "./environment.js";
import { normalizeFileRefs } from "./file-refs.js";
import { normalizeHealthcheck } from "./healthcheck.js";
import { normalizeBlkio, normalizeUlimits } from "./limits.js";
import { hostsList, labelsMap, optionsMap } from "./maps.js";
import { normalizeServiceNetworks } from "./networks.js";
import { normalizePorts } from "./ports.js";
import { parseBytes } from "./units.js";
import { normalizeVolumes } from "./volumes.js";
import {
  at,
  invalid,
  isData,
  mapFields,
  nested,
  parseBool,
  parseInteger,
  parseNumber,
  quote,
  stringList,
} from "./values.js";
import type { Data } from "./values.js";

type Rule = (value: unknown, path: JsonPath) => unknown;

const integer: Rule = (v, p) => parseInteger(v, p);
const count: Rule = (v, p) => parseInteger(v, p, { min: 0 });
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

/** Service keys whose value is canonicalized on its own (context-free). Keys without a rule are kept. */
const FIELD_RULES: Readonly<Record<string, Rule>> = {
  annotations: labelsMap,
  attach: parseBool,
  blkio_config: normalizeBlkio,
  cap_add: stringList,
  cap_drop: stringList,
  command: normalizeCommand,
  configs: normalizeFileRefs,
  cpu_count: count,
  cpu_percent: parseNumber,
  cpu_period: integer,
  cpu_quota: integer,
  cpu_rt_period: integer,
  cpu_rt_runtime: integer,
  cpu_shares: integer,
  cpus: parseNumber,
  deploy: normalizeDeploy,
  device_cgroup_rules: stringList,
  devices: normalizeDevices,
  dns: stringList,
  dns_opt: stringList,
  dns_search: stringList,
  entrypoint: normalizeCommand,
  expose: stringList,
  external_links: stringList,
  extra_hosts: hostsList,
  gpus: normalizeGpus,
  group_add: stringList,
  healthcheck: normalizeHealthcheck,
  init: parseBool,
  links: stringList,
  logging: nested({ options: optionsMap }),
  mem_limit: parseBytes,
  mem_reservation: parseBytes,
  mem_swappiness: (v, p) => parseInteger(v, p, { min: 0, max: 100 }),
  memswap_limit: parseBytes,
  models: (v) => (Array.isArray(v) ? Object.fromEntries(stringList(v).map((m) => [m, null])) : v),
  oom_kill_disable: parseBool,
  oom_score_adj: (v, p) => parseInteger(v, p, { min: -1000, max: 1000 }),
  pids_limit: integer,
  ports: normalizePorts,
  privileged: parseBool,
  profiles: stringList,
  pull_policy: (v) => (v === "if_not_present" ? "missing" : v),
  read_only: parseBool,
  restart: normalizeRestart,
  scale: count,
  secrets: normalizeFileRefs,
  security_opt: stringList,
  shm_size: parseBytes,
  stdin_open: parseBool,
  stop_grace_period: normalizeDuration,
  storage_opt: optionsMap,
  sysctls: labelsMap,
  tmpfs: stringList,
  tty: parseBool,
  ulimits: normalizeUlimits,
  use_api_socket: parseBool,
  volumes_from: stringList,
};

/** Keys resolved from several inputs (or dropped) after the per-field rules. */
const RESOLVED_LATER = [
  "build",
  "depends_on",
  "env_file",
  "environment",
  "label_file",
  "labels",
  "networks",
  "post_start",
  "pre_start",
  "pre_stop",
  "volumes",
];
const skip: Rule = () => undefined;
const SERVICE_RULES: Readonly<Record<string, Rule>> = {
  ...FIELD_RULES,
  ...Object.fromEntries(RESOLVED_LATER.map((key) => [key, skip])),
};

/** Normalizes one service (the canonical forms are documented in model.ts). */
export function normalizeService(name: string, raw: unknown, ctx: ServiceContext): ServiceConfig {
  const path: JsonPath = ["services", name];
  const svc = isData(raw) ? raw : {};
  const out = mapFields(svc, SERVICE_RULES, path);
  const image = typeof svc.image === "string" ? svc.image : undefined;
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  if (svc.build != null)
    set("build", normalizeBuild(svc.build, at(path, "build"), ctx.projectDir, ctx.lookup));
  set("environment", resolveServiceEnvironment(svc, ctx, path));
  set("labels", resolveServiceLabels(svc, ctx, path));
  if (svc.volumes != null) set("volumes", normalizeVolumes(svc.volumes, ctx.projectDir, at(path, "volumes")));
  set("networks", normalizeServiceNetworks(svc, at(path, "networks")));
  set("depends_on", normalizeDependsOn(svc, at(path, "depends_on")));
  set("post_start", hooks(svc, "post_start", path, ctx));
  set("pre_stop", hooks(svc, "pre_stop", path, ctx));
  set("pre_start", hooks(svc, "pre_start", path, ctx, image));
  reconcileScale(out, path);
  return out as ServiceConfig;
}

function hooks(svc: Data, key: string, path: JsonPath, ctx: ServiceContext, image?: string): unknown {
  return svc[key] == null ? undefined : normalizeHooks(svc[key], at(path, key), ctx.lookup, image);
}

function normalizeRestart(value: unknown, path: JsonPath): string {
  const policy = String(value);
  if (!RESTART.test(policy))
    invalid(
      path,
      `${quote(value)} is not a valid restart policy`,
      'use "no", "always", "on-failure[:N]" or "unless-stopped"',
    );
  return policy;
}
