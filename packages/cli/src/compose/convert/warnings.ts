/**
 * Which compose keys the cluster engine honours, in one place. Each table lists every key of a
 * model type (the compiler checks that none is missing): "ok" when converted or harmless to drop,
 * "unsupported" when it is dropped with a warning, or a function that decides (and may descend).
 */
import type {
  DeployConfig,
  FileReferenceConfig,
  IpamPool,
  NetworkConfig,
  Placement,
  ResourceLimits,
  ResourceReservations,
  ServiceConfig,
  ServiceNetworkConfig,
  ServiceVolumeBind,
  ServiceVolumeConfig,
  ServiceVolumeTmpfs,
  ServiceVolumeVolume,
  VolumeConfig,
} from "@tsc/compose";

type Key<T> = Exclude<keyof T, `x-${string}`> & string;
type Check<T, V> = (value: V, owner: T, path: string) => string | string[] | undefined;
type Rule<T, V> = "ok" | "unsupported" | Check<T, V>;
type Table<T> = { [K in Key<T>]-?: Rule<T, NonNullable<T[K]>> };

/** The words of a whitespace-separated list, as a union of string literals. */
type Words<S extends string, Acc extends string = never> = S extends `${infer H} ${infer T}`
  ? Words<T, Acc | Trim<H>>
  : Acc | Trim<S>;
type Space = " " | "\n";
type Trim<S extends string> = S extends `${Space}${infer R}`
  ? Trim<R>
  : S extends `${infer L}${Space}`
    ? Trim<L>
    : S;

/** The same rule for each word of `names`. */
const keys = <S extends string, R extends "ok" | "unsupported">(
  rule: R,
  names: S,
): Record<Exclude<Words<S>, "">, R> =>
  Object.fromEntries(
    names
      .split(/\s+/)
      .filter(Boolean)
      .map((n) => [n, rule]),
  ) as Record<Exclude<Words<S>, "">, R>;

const ignored = (path: string): string => `${path} is not supported yet and is ignored`;

/** The warnings for `obj` (at `path`) under `rules`; keys missing from the table count as unsupported. */
function check<T extends object>(rules: Table<T>, obj: T, path: string): string[] {
  const out: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const value: unknown = (obj as Record<string, unknown>)[key];
    const rule = (rules as Record<string, Rule<T, unknown> | undefined>)[key] ?? "unsupported";
    if (key.startsWith("x-") || isUnset(value) || (value === false && rule === "unsupported")) continue;
    const at = `${path}.${key}`;
    if (rule === "unsupported") out.push(ignored(at));
    else if (rule !== "ok") out.push(...[rule(value, obj, at) ?? []].flat());
  }
  return out;
}

/** Absent, `[]` and `{}` ask for nothing (nor does `false` for an unsupported switch), so dropping them needs no warning. */
function isUnset(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

const only =
  (allowed: readonly string[], what: string) =>
  (value: string, _owner: unknown, path: string): string | undefined =>
    allowed.includes(value) ? undefined : `${path}: ${what} "${value}" is not supported yet and is ignored`;

const LIMITS: Table<ResourceLimits> = { cpus: "ok", memory: "ok", pids: "ok" };
const RESERVATIONS: Table<ResourceReservations> = {
  cpus: "ok",
  memory: "ok",
  devices: "unsupported",
  generic_resources: "unsupported",
};
const RESOURCES: Table<NonNullable<DeployConfig["resources"]>> = {
  limits: (v, _o, p) => check(LIMITS, v, p),
  reservations: (v, _o, p) => check(RESERVATIONS, v, p),
};

const PLACEMENT: Table<Placement> = {
  constraints: "ok",
  max_replicas_per_node: "ok",
  preferences: "ok",
};

const DEPLOY: Table<DeployConfig> = {
  mode: (v, _o, p) =>
    v.endsWith("-job") ? `${p}: ${v} is not supported yet; the service runs as replicated` : undefined,
  endpoint_mode: "unsupported",
  replicas: "ok",
  labels: "unsupported",
  update_config: "unsupported",
  rollback_config: "unsupported",
  resources: (v, _o, p) => check(RESOURCES, v, p),
  restart_policy: "ok",
  placement: (v, _o, p) => check(PLACEMENT, v, p),
};

const ATTACHMENT: Table<ServiceNetworkConfig> = {
  aliases: "ok",
  ipv4_address: "ok",
  ipv6_address: "unsupported",
  link_local_ips: "unsupported",
  mac_address: "unsupported",
  interface_name: "unsupported",
  driver_opts: "unsupported",
  priority: "ok",
  gw_priority: "unsupported",
};

const BIND: Table<ServiceVolumeBind> = {
  propagation: only(["rprivate"], "propagation"),
  create_host_path: "ok",
  selinux: "unsupported",
  recursive: only(["enabled"], "recursive"),
};
const VOLUME_OPTS: Table<ServiceVolumeVolume> = {
  nocopy: "ok",
  subpath: "unsupported",
  labels: "unsupported",
};
const TMPFS_OPTS: Table<ServiceVolumeTmpfs> = { size: "ok", mode: "ok" };

const MOUNT: Table<ServiceVolumeConfig> = {
  type: (v, _o, p) =>
    ["bind", "volume", "tmpfs"].includes(v)
      ? undefined
      : `${p}: ${v} mounts are not supported yet and are skipped`,
  source: "ok",
  target: "ok",
  read_only: "ok",
  consistency: "unsupported",
  bind: (v, _o, p) => check(BIND, v, p),
  volume: (v, _o, p) => check(VOLUME_OPTS, v, p),
  tmpfs: (v, _o, p) => check(TMPFS_OPTS, v, p),
  image: "unsupported",
};

/** A secret or config use: the file is bind-mounted as it is, so ownership and mode cannot be set. */
const FILE_REFERENCE: Table<FileReferenceConfig> = {
  source: "ok",
  target: "ok",
  uid: "unsupported",
  gid: "unsupported",
  mode: "unsupported",
};

const PULL_POLICIES = ["always", "never", "missing"];
const NO_NEW_PRIVILEGES = ["no-new-privileges", "no-new-privileges:true", "no-new-privileges=true"];

const SERVICE: Table<ServiceConfig> = {
  ...keys(
    "unsupported",
    `annotations blkio_config cgroup cgroup_parent cpu_count cpu_percent cpu_period cpu_quota cpu_rt_period
     cpu_rt_runtime cpuset credential_spec develop device_cgroup_rules devices dns_opt dns_search external_links
     gpus group_add ipc isolation links logging mac_address mem_swappiness memswap_limit models oom_kill_disable
     pid platform post_start pre_start pre_stop provider pull_refresh_after runtime stdin_open storage_opt tty
     use_api_socket userns_mode uts volume_driver`,
  ),
  ...keys(
    "ok",
    `attach cap_add cap_drop command container_name cpu_shares cpus depends_on dns domainname entrypoint
     environment expose extra_hosts hostname image init labels mem_limit mem_reservation oom_score_adj pids_limit
     privileged profiles read_only restart scale shm_size stop_grace_period stop_signal sysctls tmpfs ulimits user
     working_dir`,
  ),
  build: (_v, s, p) =>
    s.image
      ? `${p} is ignored: building images is not supported yet; the image is pulled`
      : `${p}: building images is not supported yet; give an image`,
  configs: (v, _o, p) => v.flatMap((c, i) => check(FILE_REFERENCE, c, `${p}[${i}]`)),
  deploy: (v, _o, p) => check(DEPLOY, v, p),
  healthcheck: (v, _o, p) =>
    v.disable || v.test
      ? undefined
      : `${p}: a healthcheck without test (keeping the image's) is not supported yet and is ignored`,
  network_mode: (v, _o, p) =>
    `${p}: ${v} is not supported on the cluster engine yet; the service joins no network`,
  networks: (v, _o, p) =>
    Object.keys(v)
      .sort()
      .flatMap((k) => check(ATTACHMENT, v[k] ?? {}, `${p}.${k}`)),
  ports: (v, _o, p) =>
    v.flatMap((port, i) =>
      port.protocol === "sctp" ? [`${p}[${i}]: sctp is not supported yet; the port is not published`] : [],
    ),
  pull_policy: (v, _o, p) =>
    PULL_POLICIES.includes(v) ? undefined : `${p}: "${v}" is not supported yet; "missing" is used`,
  secrets: (v, _o, p) => v.flatMap((c, i) => check(FILE_REFERENCE, c, `${p}[${i}]`)),
  security_opt: (v, _o, p) =>
    v
      .filter((o) => !NO_NEW_PRIVILEGES.includes(o))
      .map((o) => `${p}: "${o}" is not supported yet and is ignored`),
  volumes: (v, _o, p) => v.flatMap((m, i) => check(MOUNT, m, `${p}[${i}]`)),
  volumes_from: (v, _o, p) =>
    v
      .filter((f) => !f.startsWith("container:"))
      .map((f) => `${p}: "${f}" (another service's volumes) is not supported yet and is ignored`),
};

const POOL: Table<IpamPool> = {
  subnet: "ok",
  gateway: "ok",
  ip_range: "unsupported",
  aux_addresses: "unsupported",
};

const NETWORK: Table<NetworkConfig> = {
  name: "ok",
  driver: only(["bridge", "overlay"], "driver"),
  driver_opts: "unsupported",
  ipam: (v, _o, p) => [
    ...(v.driver && v.driver !== "default" ? [ignored(`${p}.driver`)] : []),
    ...(v.options && Object.keys(v.options).length > 0 ? [ignored(`${p}.options`)] : []),
    ...(v.config ?? []).flatMap((pool, i) =>
      i > 0 ? [ignored(`${p}.config[${i}]`)] : check(POOL, pool, `${p}.config[0]`),
    ),
  ],
  external: "ok",
  internal: "ok",
  attachable: "ok",
  enable_ipv4: (v, _o, p) =>
    v ? undefined : `${p}: networks without IPv4 are not supported yet; IPv4 is enabled`,
  enable_ipv6: "unsupported",
  labels: "ok",
};

const VOLUME: Table<VolumeConfig> = {
  name: "ok",
  driver: only(["local"], "driver"),
  driver_opts: "ok",
  external: "ok",
  labels: "ok",
};

/** Warnings for the keys of service `name` the engine does not honour (`services.web.gpus is not supported yet …`). */
export function serviceWarnings(name: string, service: ServiceConfig): string[] {
  return check(SERVICE, service, `services.${name}`);
}

/** Warnings for top-level network `key`. */
export function networkWarnings(key: string, network: NetworkConfig): string[] {
  return check(NETWORK, network, `networks.${key}`);
}

/** Warnings for top-level volume `key`. */
export function volumeWarnings(key: string, volume: VolumeConfig): string[] {
  return check(VOLUME, volume, `volumes.${key}`);
}
