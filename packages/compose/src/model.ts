/**
 * The canonical compose project model: what the loader returns after normalization and what every
 * other part of tsc (the engine, the CLIs) consumes. It follows compose-go's `types` package, with
 * the snake_case field names `docker compose config` prints.
 *
 * Canonical means: every short syntax is expanded (ports, volumes, environment, depends_on,
 * networks …), byte sizes are integers, durations are Go duration strings (`1m30s`), booleans and
 * numbers written as strings are real booleans and numbers, relative paths are absolute, and
 * every top-level resource has its final `name`. Optional fields are absent rather than empty.
 * `x-*` extensions are carried through unchanged wherever compose allows them.
 */

/** `x-*` extension fields, kept as written. */
export interface Extensions {
  [extension: `x-${string}`]: unknown;
}

/** A whole project after loading: services plus the top-level resources they use. */
export interface Project extends Extensions {
  /** The resolved project name (`-p`, COMPOSE_PROJECT_NAME, `name:` or the directory name). */
  name: string;
  /** The enabled services, by name. */
  services: Record<string, ServiceConfig>;
  networks?: Record<string, NetworkConfig>;
  volumes?: Record<string, VolumeConfig>;
  secrets?: Record<string, SecretConfig>;
  configs?: Record<string, ConfigObjConfig>;
  models?: Record<string, ModelConfig>;
  /**
   * Services switched off by profiles or by naming other services (`config --profiles` still lists
   * their profiles). Never printed by `config`.
   */
  disabled_services?: Record<string, ServiceConfig>;
}

/** Conditions a dependency can wait for. */
export type DependencyCondition = "service_started" | "service_healthy" | "service_completed_successfully";

/** Mount types of a service volume. */
export type VolumeMountType = "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";

/** Transport protocols a port can publish. */
export type PortProtocol = "tcp" | "udp" | "sctp";

/** One service, canonical. */
export interface ServiceConfig extends Extensions {
  annotations?: Record<string, string>;
  /** Whether `up` attaches to the service's output (default true). */
  attach?: boolean;
  blkio_config?: BlkioConfig;
  build?: BuildConfig;
  cap_add?: string[];
  cap_drop?: string[];
  cgroup?: "host" | "private";
  cgroup_parent?: string;
  /** The command as an argument list; a string was split as a POSIX shell would. `[]` clears the image's CMD. */
  command?: string[];
  configs?: ServiceConfigObjConfig[];
  container_name?: string;
  cpu_count?: number;
  cpu_percent?: number;
  cpu_period?: number;
  cpu_quota?: number;
  cpu_rt_period?: number;
  cpu_rt_runtime?: number;
  cpu_shares?: number;
  /** CPUs as a fraction (0.5 = half a CPU). */
  cpus?: number;
  cpuset?: string;
  credential_spec?: { config?: string; file?: string; registry?: string };
  /** Every service this one waits for: `depends_on`, plus the services named by links, volumes_from and `service:` modes. */
  depends_on?: Record<string, ServiceDependency>;
  deploy?: DeployConfig;
  /** `develop.watch` rules, as written. */
  develop?: { watch?: Record<string, unknown>[] } & Extensions;
  device_cgroup_rules?: string[];
  devices?: DeviceMapping[];
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  domainname?: string;
  /** Like `command`, for the entrypoint. */
  entrypoint?: string[];
  /**
   * The container environment: the `env_file`s in order, then `environment` on top. `null` means
   * the variable was named without a value and the project environment does not define it.
   */
  environment?: Record<string, string | null>;
  /** Container ports exposed to linked services, as written (`"80"`, `"81/udp"`, `"8000-8010"`). */
  expose?: string[];
  external_links?: string[];
  /** `host=ip` entries (IPv6 addresses without brackets), one per address. */
  extra_hosts?: string[];
  gpus?: DeviceRequest[];
  group_add?: string[];
  healthcheck?: HealthCheckConfig;
  hostname?: string;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  /** Labels from `label_file`s, then `labels` on top. */
  labels?: Record<string, string>;
  links?: string[];
  logging?: LoggingConfig;
  mac_address?: string;
  mem_limit?: number;
  mem_reservation?: number;
  mem_swappiness?: number;
  /** Bytes; -1 means unlimited swap. */
  memswap_limit?: number;
  models?: Record<string, ServiceModelConfig | null>;
  /** `host`, `none`, `bridge`, `service:NAME` or `container:NAME`; services with it have no `networks`. */
  network_mode?: string;
  /** The networks the service joins (`null` = default settings). Absent only with `network_mode` or `provider`. */
  networks?: Record<string, ServiceNetworkConfig | null>;
  oom_kill_disable?: boolean;
  oom_score_adj?: number;
  pid?: string;
  /** -1 means unlimited. */
  pids_limit?: number;
  platform?: string;
  /** One entry per container port (ranges are expanded). */
  ports?: ServicePortConfig[];
  post_start?: ServiceHook[];
  pre_start?: ServiceHook[];
  pre_stop?: ServiceHook[];
  privileged?: boolean;
  profiles?: string[];
  provider?: {
    type: string;
    options?: Record<string, string | number | boolean | (string | number | boolean)[]>;
  };
  /** `always`, `never`, `missing` (`if_not_present` is rewritten to it), `build`, `refresh`, `daily`, `weekly` or `every_<duration>`. */
  pull_policy?: string;
  pull_refresh_after?: string;
  read_only?: boolean;
  /** `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`. */
  restart?: string;
  runtime?: string;
  /** Number of containers, from `scale` or `deploy.replicas` (which then agree). Absent means 1. */
  scale?: number;
  secrets?: ServiceSecretConfig[];
  security_opt?: string[];
  shm_size?: number;
  stdin_open?: boolean;
  stop_grace_period?: string;
  stop_signal?: string;
  storage_opt?: Record<string, string>;
  sysctls?: Record<string, string>;
  /** tmpfs mounts as `PATH[:OPTIONS]`. */
  tmpfs?: string[];
  tty?: boolean;
  ulimits?: Record<string, UlimitConfig>;
  use_api_socket?: boolean;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volume_driver?: string;
  volumes?: ServiceVolumeConfig[];
  /** `SERVICE[:ro|rw]` or `container:NAME[:ro|rw]`. */
  volumes_from?: string[];
  working_dir?: string;
}

/** A published or exposed port: one per container port. */
export interface ServicePortConfig extends Extensions {
  name?: string;
  /** `ingress` (load-balanced, the default) or `host` (published on the node running the task). */
  mode: "ingress" | "host";
  /** Host address to bind (IPv6 without brackets); absent = all addresses. */
  host_ip?: string;
  /** Container port. */
  target: number;
  /** Host port (`"8080"`) or range to pick from (`"8000-8010"`); absent = a random port. */
  published?: string;
  protocol: PortProtocol;
  app_protocol?: string;
}

/** A mount, in long syntax. */
export interface ServiceVolumeConfig extends Extensions {
  type: VolumeMountType;
  /** Absolute host path (bind), volume name (volume), image reference (image); absent for anonymous volumes and tmpfs. */
  source?: string;
  /** Absolute path in the container, cleaned (`/data/` → `/data`). */
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: ServiceVolumeBind;
  volume?: ServiceVolumeVolume;
  tmpfs?: ServiceVolumeTmpfs;
  image?: { subpath?: string } & Extensions;
}

/** Options of a bind mount. */
export interface ServiceVolumeBind extends Extensions {
  propagation?: "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate";
  /** Create the host path when missing (short syntax sets it, as Compose does). */
  create_host_path?: boolean;
  selinux?: "z" | "Z";
  recursive?: "enabled" | "disabled" | "writable" | "readonly";
}

/** Options of a volume mount. */
export interface ServiceVolumeVolume extends Extensions {
  nocopy?: boolean;
  subpath?: string;
  labels?: Record<string, string>;
}

/** Options of a tmpfs mount. */
export interface ServiceVolumeTmpfs extends Extensions {
  /** Bytes. */
  size?: number;
  /** The mode as written and as `docker compose config` prints it: the digits are octal (1777 means 0o1777). */
  mode?: number;
}

/** A service's attachment to a network. */
export interface ServiceNetworkConfig extends Extensions {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  interface_name?: string;
  driver_opts?: Record<string, string>;
  /** Higher first when connecting networks. */
  priority?: number;
  /** The network with the highest value provides the default gateway. */
  gw_priority?: number;
}

/** A dependency on another service. */
export interface ServiceDependency extends Extensions {
  condition: DependencyCondition;
  /** When false, a missing or disabled dependency is ignored. */
  required: boolean;
  /** Restart this service when the dependency is restarted by a Compose operation. */
  restart?: boolean;
}

/** `healthcheck`, with durations as Go duration strings. */
export interface HealthCheckConfig extends Extensions {
  /** `["CMD", …]`, `["CMD-SHELL", "cmd"]` (a string test becomes this) or `["NONE"]`. */
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

/** `deploy` (Swarm-style) settings. */
export interface DeployConfig extends Extensions {
  mode?: "replicated" | "global" | "replicated-job" | "global-job";
  endpoint_mode?: "vip" | "dnsrr";
  replicas?: number;
  labels?: Record<string, string>;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: { limits?: ResourceLimits; reservations?: ResourceReservations } & Extensions;
  restart_policy?: RestartPolicy;
  placement?: Placement;
}

/** Rolling update / rollback behaviour. */
export interface UpdateConfig extends Extensions {
  parallelism?: number;
  delay?: string;
  failure_action?: "continue" | "rollback" | "pause";
  monitor?: string;
  max_failure_ratio?: number;
  order?: "start-first" | "stop-first";
}

/** `deploy.resources.limits`. */
export interface ResourceLimits extends Extensions {
  cpus?: number;
  /** Bytes. */
  memory?: number;
  pids?: number;
}

/** `deploy.resources.reservations`. */
export interface ResourceReservations extends Extensions {
  cpus?: number;
  /** Bytes. */
  memory?: number;
  devices?: DeviceRequest[];
  generic_resources?: { discrete_resource_spec?: { kind?: string; value?: number } & Extensions }[];
}

/** `deploy.restart_policy`. */
export interface RestartPolicy extends Extensions {
  condition?: "none" | "on-failure" | "any";
  delay?: string;
  max_attempts?: number;
  window?: string;
}

/** `deploy.placement`. */
export interface Placement extends Extensions {
  constraints?: string[];
  preferences?: ({ spread?: string } & Extensions)[];
  max_replicas_per_node?: number;
}

/** A device request (`gpus`, `deploy.resources.reservations.devices`). */
export interface DeviceRequest extends Extensions {
  capabilities?: string[];
  driver?: string;
  /** A number of devices, or "all" (the default when neither count nor device_ids is given). */
  count?: number | "all";
  device_ids?: string[];
  options?: Record<string, string>;
}

/** A host device made available in the container. */
export interface DeviceMapping extends Extensions {
  source: string;
  target?: string;
  /** cgroup permissions, `rwm` by default in short syntax. */
  permissions?: string;
}

/** A ulimit: one value for soft and hard, or both. */
export type UlimitConfig = number | { soft: number; hard: number };

/** `blkio_config`: IO weights and throttles. */
export interface BlkioConfig extends Extensions {
  weight?: number;
  weight_device?: { path?: string; weight?: number }[];
  /** Rates in bytes per second. */
  device_read_bps?: ThrottleDevice[];
  device_write_bps?: ThrottleDevice[];
  /** Rates in operations per second. */
  device_read_iops?: ThrottleDevice[];
  device_write_iops?: ThrottleDevice[];
}

/** One device's IO throttle. */
export interface ThrottleDevice {
  path?: string;
  rate?: number;
}

/** `logging`. */
export interface LoggingConfig extends Extensions {
  driver?: string;
  options?: Record<string, string>;
}

/** A lifecycle hook (`post_start`, `pre_stop`, `pre_start`). */
export interface ServiceHook extends Extensions {
  command?: string[];
  /** pre_start only; defaults to the service's image. */
  image?: string;
  user?: string;
  privileged?: boolean;
  working_dir?: string;
  environment?: Record<string, string | null>;
  per_replica?: boolean;
}

/** A service's use of a model. */
export interface ServiceModelConfig extends Extensions {
  endpoint_var?: string;
  model_var?: string;
}

/** `build`, with an absolute context (unless remote) and a Dockerfile (default `Dockerfile`, relative to the context). */
export interface BuildConfig extends Extensions {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  /** Build arguments; an argument named without a value is taken from the project environment, or left out. */
  args?: Record<string, string>;
  ssh?: Record<string, string | null>;
  labels?: Record<string, string>;
  cache_from?: string[];
  cache_to?: string[];
  no_cache?: boolean;
  no_cache_filter?: string[];
  additional_contexts?: Record<string, string>;
  network?: string;
  provenance?: string;
  sbom?: string;
  pull?: boolean;
  target?: string;
  shm_size?: number;
  extra_hosts?: string[];
  isolation?: string;
  privileged?: boolean;
  secrets?: ServiceSecretConfig[];
  tags?: string[];
  ulimits?: Record<string, UlimitConfig>;
  platforms?: string[];
  entitlements?: string[];
}

/** A service's use of a secret or config. */
export interface FileReferenceConfig extends Extensions {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  /** Permission bits (a string was read as octal: "0440" → 288). */
  mode?: number;
}

/** A service's use of a secret. */
export type ServiceSecretConfig = FileReferenceConfig;
/** A service's use of a config. */
export type ServiceConfigObjConfig = FileReferenceConfig;

/** A top-level network. */
export interface NetworkConfig extends Extensions {
  /** The engine-side name: `<project>_<key>` unless set, or the key itself when external. */
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: IpamConfig;
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
}

/** A network's address management. */
export interface IpamConfig extends Extensions {
  driver?: string;
  config?: IpamPool[];
  options?: Record<string, string>;
}

/** One address pool of a network. */
export interface IpamPool extends Extensions {
  subnet?: string;
  ip_range?: string;
  gateway?: string;
  aux_addresses?: Record<string, string>;
}

/** A top-level volume. */
export interface VolumeConfig extends Extensions {
  /** The engine-side name: `<project>_<key>` unless set, or the key itself when external. */
  name: string;
  driver?: string;
  /** With the `local` driver and `o: bind`, `device` is an absolute path. */
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
}

/** A top-level secret or config: its content comes from `file`, `environment` or (configs) `content`. */
export interface FileObjectConfig extends Extensions {
  /** The engine-side name: `<project>_<key>` unless set, or the key itself when external. */
  name: string;
  /** Absolute path. */
  file?: string;
  /** Name of the project environment variable holding the content. */
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
  driver?: string;
  driver_opts?: Record<string, string>;
  template_driver?: string;
}

/** A top-level secret. */
export type SecretConfig = FileObjectConfig;
/** A top-level config. */
export type ConfigObjConfig = FileObjectConfig;

/** A top-level model (for services using AI models). */
export interface ModelConfig extends Extensions {
  name?: string;
  model: string;
  context_size?: number;
  runtime_flags?: string[];
}
