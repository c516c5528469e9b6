/**
 * The canonical compose project model: what the loader returns after normalization and what every
 * other part of tsc consumes. Field names are the YAML keys `docker compose config` prints; every
 * short syntax has been expanded (ports, volumes, environment, depends_on …), sizes are bytes,
 * durations are Go duration strings (`1m30s`), relative paths are absolute. Keys not modelled here
 * (and `x-*` extensions) are carried through as written.
 */
export interface Project {
  name: string;
  services: Record<string, ServiceConfig>;
  networks?: Record<string, NetworkConfig>;
  volumes?: Record<string, VolumeConfig>;
  secrets?: Record<string, FileObjectConfig>;
  configs?: Record<string, FileObjectConfig>;
  models?: Record<string, Record<string, unknown>>;
  /** Services switched off by profiles (not printed by `config`). */
  disabled_services?: Record<string, ServiceConfig>;
  [extension: `x-${string}`]: unknown;
}

/** One service, canonical. */
export interface ServiceConfig {
  image?: string;
  build?: BuildConfig;
  command?: string[] | null;
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ports?: ServicePortConfig[];
  expose?: string[];
  volumes?: ServiceVolumeConfig[];
  tmpfs?: string[];
  networks?: Record<string, ServiceNetworkConfig | null>;
  network_mode?: string;
  depends_on?: Record<string, ServiceDependency>;
  healthcheck?: HealthCheckConfig;
  deploy?: DeployConfig;
  /** Number of replicas (from `scale` or `deploy.replicas`). */
  scale?: number;
  restart?: string;
  profiles?: string[];
  container_name?: string;
  hostname?: string;
  domainname?: string;
  user?: string;
  working_dir?: string;
  init?: boolean;
  read_only?: boolean;
  privileged?: boolean;
  tty?: boolean;
  stdin_open?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  sysctls?: Record<string, string>;
  ulimits?: Record<string, number | { soft: number; hard: number }>;
  stop_signal?: string;
  stop_grace_period?: string;
  secrets?: ServiceFileReference[];
  configs?: ServiceFileReference[];
  extra_hosts?: string[];
  dns?: string[];
  dns_search?: string[];
  dns_opt?: string[];
  links?: string[];
  external_links?: string[];
  volumes_from?: string[];
  mem_limit?: number;
  mem_reservation?: number;
  memswap_limit?: number;
  shm_size?: number;
  cpus?: number;
  cpu_shares?: number;
  pids_limit?: number;
  oom_score_adj?: number;
  pull_policy?: string;
  logging?: { driver?: string; options?: Record<string, string | number | null> };
  platform?: string;
  [key: string]: unknown;
}

/** A published or exposed port, one per container port (ranges are expanded). */
export interface ServicePortConfig {
  name?: string;
  mode: string;
  host_ip?: string;
  target: number;
  /** Host port or range as a string ("8080", "8000-8010"); absent = random. */
  published?: string;
  protocol: string;
  app_protocol?: string;
}

/** A mount, in long syntax. */
export interface ServiceVolumeConfig {
  type: "bind" | "volume" | "tmpfs" | "npipe" | "cluster" | "image";
  /** Absolute host path (bind) or volume name (volume); absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string; create_host_path?: boolean; selinux?: string; recursive?: string };
  volume?: { nocopy?: boolean; subpath?: string; labels?: Record<string, string> };
  tmpfs?: { size?: number; mode?: number };
  image?: { subpath?: string };
}

/** A service's attachment to a network. */
export interface ServiceNetworkConfig {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  interface_name?: string;
  driver_opts?: Record<string, string | number>;
  priority?: number;
  gw_priority?: number;
}

/** A dependency on another service. */
export interface ServiceDependency {
  condition: "service_started" | "service_healthy" | "service_completed_successfully";
  required: boolean;
  restart?: boolean;
}

/** `healthcheck`, with durations as Go duration strings. */
export interface HealthCheckConfig {
  test?: string[];
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

/** `deploy` (Swarm-style) settings. */
export interface DeployConfig {
  mode?: string;
  endpoint_mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: {
    limits?: { cpus?: number; memory?: number; pids?: number };
    reservations?: { cpus?: number; memory?: number; devices?: unknown[]; generic_resources?: unknown[] };
  };
  restart_policy?: { condition?: string; delay?: string; max_attempts?: number; window?: string };
  placement?: { constraints?: string[]; preferences?: { spread?: string }[]; max_replicas_per_node?: number };
}

/** Rolling update / rollback behaviour. */
export interface UpdateConfig {
  parallelism?: number;
  delay?: string;
  failure_action?: string;
  monitor?: string;
  max_failure_ratio?: number;
  order?: "start-first" | "stop-first";
}

/** `build`, with an absolute context (unless remote). */
export interface BuildConfig {
  context: string;
  dockerfile?: string;
  args?: Record<string, string | null>;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

/** A service's use of a secret or config. */
export interface ServiceFileReference {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

/** A top-level network. */
export interface NetworkConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string | number>;
  ipam?: {
    driver?: string;
    config?: {
      subnet?: string;
      ip_range?: string;
      gateway?: string;
      aux_addresses?: Record<string, string>;
    }[];
    options?: Record<string, string>;
  };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

/** A top-level volume. */
export interface VolumeConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string | number>;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

/** A top-level secret or config. */
export interface FileObjectConfig {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}
