import type { JsonPath } from "../json-path.js";
import type { ServiceConfig, ServiceDependency, ServiceFileReference } from "../model.js";
import { absolutePath } from "../rebase-paths.js";
import { normalizeDeploy, normalizeHealthcheck } from "./deploy.js";
import { resolveServiceEnvironment } from "./environment.js";
import { listOrDictToMap, toStringMap } from "./maps.js";
import { normalizePorts } from "./ports.js";
import { splitShellWords } from "./shell-words.js";
import {
  invalid,
  normalizeDuration,
  parseBool,
  parseBytes,
  parseFileMode,
  parseInteger,
  parseNumber,
} from "./units.js";
import { normalizeVolumes } from "./volumes.js";

type Data = Record<string, unknown>;
type Coerce = (v: unknown, path: JsonPath) => unknown;

const bytesOrUnlimited: Coerce = (v, p) => (v === -1 || v === "-1" ? -1 : parseBytes(v, p));
const stringList: Coerce = (v) => (Array.isArray(v) ? v.map(String) : [String(v)]);

/** Scalar fields and how each is made canonical. */
const COERCE: Record<string, Coerce> = {
  attach: parseBool,
  init: parseBool,
  oom_kill_disable: parseBool,
  privileged: parseBool,
  read_only: parseBool,
  stdin_open: parseBool,
  tty: parseBool,
  cpu_count: parseInteger,
  cpu_percent: parseInteger,
  cpu_shares: parseInteger,
  cpu_quota: parseInteger,
  cpu_period: parseInteger,
  mem_swappiness: parseInteger,
  oom_score_adj: parseInteger,
  pids_limit: parseInteger,
  cpus: parseNumber,
  mem_limit: bytesOrUnlimited,
  mem_reservation: bytesOrUnlimited,
  memswap_limit: bytesOrUnlimited,
  shm_size: bytesOrUnlimited,
  stop_grace_period: normalizeDuration,
  dns: stringList,
  dns_search: stringList,
  tmpfs: stringList,
  expose: (v) => (v as unknown[]).map(String),
  labels: (v) => toStringMap(v),
  annotations: (v) => toStringMap(v),
  sysctls: (v) => toStringMap(v),
};

const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

/** Context for normalizing one service. */
export interface ServiceContext {
  projectDir: string;
  env: Record<string, string>;
}

/** Normalizes one service (see model.ts for the canonical forms). */
export function normalizeService(name: string, raw: unknown, ctx: ServiceContext): ServiceConfig {
  const path: JsonPath = ["services", name];
  const svc = (raw ?? {}) as Data;
  const out: Data = {};
  for (const [key, value] of Object.entries(svc)) {
    if (value === undefined) continue;
    const at = [...path, key];
    const coerce = COERCE[key];
    out[key] = coerce ? coerce(value, at) : value;
  }
  delete out.env_file;
  const environment = resolveServiceEnvironment(svc, ctx.projectDir, ctx.env, path);
  if (environment) out.environment = environment;
  for (const key of ["command", "entrypoint"] as const)
    if (typeof svc[key] === "string") out[key] = splitShellWords(svc[key] as string, [...path, key]);
  if (svc.build !== undefined) out.build = normalizeBuild(svc.build, ctx, [...path, "build"]);
  if (Array.isArray(svc.ports)) out.ports = normalizePorts(svc.ports, [...path, "ports"]);
  if (Array.isArray(svc.volumes))
    out.volumes = normalizeVolumes(svc.volumes, ctx.projectDir, [...path, "volumes"]);
  if (svc.extra_hosts !== undefined) out.extra_hosts = normalizeExtraHosts(svc.extra_hosts);
  if (svc.ulimits !== undefined) out.ulimits = normalizeUlimits(svc.ulimits as Data, [...path, "ulimits"]);
  for (const key of ["secrets", "configs"] as const)
    if (Array.isArray(svc[key])) out[key] = normalizeFileRefs(svc[key] as unknown[], [...path, key]);
  if (svc.healthcheck !== undefined)
    out.healthcheck = normalizeHealthcheck(svc.healthcheck as Data, [...path, "healthcheck"]);
  if (svc.deploy !== undefined && svc.deploy !== null)
    out.deploy = normalizeDeploy(svc.deploy as Data, [...path, "deploy"]);
  if (svc.restart !== undefined && !RESTART.test(String(svc.restart)))
    invalid(
      [...path, "restart"],
      `${JSON.stringify(svc.restart)} is not a valid restart policy`,
      'use "no", "always", "on-failure[:N]" or "unless-stopped"',
    );
  normalizeScale(out, svc, path);
  out.networks = normalizeServiceNetworks(svc);
  if (out.networks === undefined) delete out.networks;
  const deps = normalizeDependsOn(svc, [...path, "depends_on"]);
  if (deps) out.depends_on = deps;
  return out as ServiceConfig;
}

function normalizeBuild(value: unknown, ctx: ServiceContext, path: JsonPath): Data {
  const build: Data = typeof value === "string" ? { context: value } : { ...(value as Data) };
  build.context = absolutePath(ctx.projectDir, typeof build.context === "string" ? build.context : ".");
  if (build.dockerfile === undefined && build.dockerfile_inline === undefined)
    build.dockerfile = "Dockerfile";
  if (build.args !== undefined) build.args = listOrDictToMap(build.args, (n) => ctx.env[n] ?? null);
  if (build.labels !== undefined) build.labels = toStringMap(build.labels);
  if (build.shm_size !== undefined) build.shm_size = parseBytes(build.shm_size, [...path, "shm_size"]);
  for (const key of ["no_cache", "pull", "privileged"])
    if (build[key] !== undefined) build[key] = parseBool(build[key], [...path, key]);
  return build;
}

function normalizeExtraHosts(value: unknown): string[] {
  if (Array.isArray(value))
    return value.map((h) => {
      const s = String(h);
      return s.includes("=") ? s : s.replace(":", "=");
    });
  return Object.entries(value as Record<string, string | string[]>).flatMap(([host, ips]) =>
    (Array.isArray(ips) ? ips : [ips]).map((ip) => `${host}=${ip}`),
  );
}

function normalizeUlimits(value: Data, path: JsonPath): Data {
  const out: Data = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === "object") {
      const o = v as Data;
      out[k] = {
        soft: parseInteger(o.soft, [...path, k, "soft"]),
        hard: parseInteger(o.hard, [...path, k, "hard"]),
      };
    } else out[k] = parseInteger(v, [...path, k]);
  }
  return out;
}

function normalizeFileRefs(list: unknown[], path: JsonPath): ServiceFileReference[] {
  return list.map((item, i) => {
    if (typeof item === "string") return { source: item };
    const ref = { ...(item as Data) } as Data;
    if (ref.mode !== undefined) ref.mode = parseFileMode(ref.mode, [...path, i, "mode"]);
    return ref as unknown as ServiceFileReference;
  });
}

function normalizeScale(out: Data, svc: Data, path: JsonPath): void {
  const scale = svc.scale === undefined ? undefined : parseInteger(svc.scale, [...path, "scale"]);
  const replicas = (out.deploy as Data | undefined)?.replicas as number | undefined;
  if (scale !== undefined && replicas !== undefined && scale !== replicas)
    invalid(
      [...path, "scale"],
      `scale (${scale}) and deploy.replicas (${replicas}) disagree`,
      "set only one of them",
    );
  const n = scale ?? replicas;
  if (n !== undefined) out.scale = n;
}

function normalizeServiceNetworks(svc: Data): Data | undefined {
  const nets = svc.networks;
  if (nets === undefined) return svc.network_mode === undefined ? { default: null } : undefined;
  if (Array.isArray(nets)) return Object.fromEntries(nets.map((n) => [String(n), null]));
  return { ...(nets as Data) };
}

function normalizeDependsOn(svc: Data, path: JsonPath): Record<string, ServiceDependency> | undefined {
  const out: Record<string, ServiceDependency> = {};
  const raw = svc.depends_on;
  if (Array.isArray(raw))
    for (const n of raw) out[String(n)] = { condition: "service_started", required: true };
  else if (raw && typeof raw === "object")
    for (const [n, d] of Object.entries(raw as Record<string, Data>)) {
      const dep: ServiceDependency = {
        condition: (d.condition as ServiceDependency["condition"]) ?? "service_started",
        required: d.required === undefined ? true : parseBool(d.required, [...path, n, "required"]),
      };
      if (d.restart !== undefined) dep.restart = parseBool(d.restart, [...path, n, "restart"]);
      out[n] = dep;
    }
  for (const dep of implicitDependencies(svc))
    if (!(dep in out)) out[dep] = { condition: "service_started", required: true };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Services a service needs without saying so in depends_on: links, volumes_from, network_mode. */
export function implicitDependencies(svc: Data): string[] {
  const deps: string[] = [];
  for (const l of (svc.links as string[] | undefined) ?? []) deps.push(String(l).split(":")[0]!);
  for (const v of (svc.volumes_from as string[] | undefined) ?? []) {
    const s = String(v);
    if (s.startsWith("container:")) continue;
    deps.push(s.replace(/^service:/, "").split(":")[0]!);
  }
  const mode = svc.network_mode;
  if (typeof mode === "string" && mode.startsWith("service:")) deps.push(mode.slice("service:".length));
  return deps;
}
