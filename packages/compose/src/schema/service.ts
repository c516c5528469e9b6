import { Type as T } from "@sinclair/typebox";
import {
  BoolOrString,
  Command,
  ComposeObject,
  deviceRequestProps,
  DriverOpts,
  ExtraHosts,
  ListOfStrings,
  ListOrDict,
  NAME_PATTERN,
  NameMap,
  OpenObject,
  ServiceFileRefs,
  StringOrInteger,
  StringOrList,
  StringOrNumber,
  Ulimits,
} from "./common.js";
import { DeploySchema } from "./deploy.js";

/** `build:` — a context path, or the full build definition. */
export const BuildSchema = T.Union([
  T.String(),
  ComposeObject({
    context: T.String(),
    dockerfile: T.String(),
    dockerfile_inline: T.String(),
    entitlements: T.Array(T.String()),
    args: ListOrDict,
    ssh: ListOrDict,
    labels: ListOrDict,
    cache_from: T.Array(T.String()),
    cache_to: T.Array(T.String()),
    no_cache: BoolOrString,
    no_cache_filter: StringOrList,
    additional_contexts: ListOrDict,
    network: T.String(),
    provenance: BoolOrString,
    sbom: BoolOrString,
    pull: BoolOrString,
    target: T.String(),
    shm_size: StringOrInteger,
    extra_hosts: ExtraHosts,
    isolation: T.String(),
    privileged: BoolOrString,
    secrets: ServiceFileRefs,
    tags: T.Array(T.String()),
    ulimits: Ulimits,
    platforms: T.Array(T.String()),
  }),
]);

/** `healthcheck:`. */
export const HealthcheckSchema = ComposeObject({
  disable: BoolOrString,
  interval: T.String(),
  retries: StringOrNumber,
  test: T.Union([T.String(), T.Array(T.String())]),
  timeout: T.String(),
  start_period: T.String(),
  start_interval: T.String(),
});

const BlkioLimit = T.Object(
  { path: T.Optional(T.String()), rate: T.Optional(StringOrInteger) },
  { additionalProperties: false },
);
const BlkioWeight = T.Object(
  { path: T.Optional(T.String()), weight: T.Optional(StringOrInteger) },
  { additionalProperties: false },
);

const ServiceHook = ComposeObject(
  {
    command: Command,
    user: T.String(),
    privileged: BoolOrString,
    working_dir: T.String(),
    environment: ListOrDict,
  },
  ["command"],
);
const PreStartHook = ComposeObject({
  command: Command,
  image: T.String(),
  user: T.String(),
  privileged: BoolOrString,
  working_dir: T.String(),
  environment: ListOrDict,
  per_replica: BoolOrString,
});

const DependsOn = T.Union([
  ListOfStrings,
  NameMap(
    ComposeObject(
      {
        restart: BoolOrString,
        required: T.Boolean({ default: true }),
        condition: T.Union([
          T.Literal("service_started"),
          T.Literal("service_healthy"),
          T.Literal("service_completed_successfully"),
        ]),
      },
      ["condition"],
    ),
  ),
]);

const ServiceNetworks = T.Union([
  ListOfStrings,
  NameMap(
    T.Union([
      ComposeObject({
        aliases: ListOfStrings,
        interface_name: T.String(),
        ipv4_address: T.String(),
        ipv6_address: T.String(),
        link_local_ips: ListOfStrings,
        mac_address: T.String(),
        driver_opts: DriverOpts,
        priority: T.Number(),
        gw_priority: T.Number(),
      }),
      T.Null(),
    ]),
  ),
]);

const ServiceModels = T.Union([
  ListOfStrings,
  T.Record(
    T.String({ pattern: NAME_PATTERN }),
    T.Union([ComposeObject({ endpoint_var: T.String(), model_var: T.String() }), T.Null()]),
  ),
]);

const PortSchema = T.Union([
  T.Number(),
  T.String(),
  ComposeObject({
    name: T.String(),
    mode: T.String(),
    host_ip: T.String(),
    target: StringOrInteger,
    published: StringOrInteger,
    protocol: T.String(),
    app_protocol: T.String(),
  }),
]);

const VolumeMount = ComposeObject(
  {
    type: T.Union(["bind", "volume", "tmpfs", "cluster", "npipe", "image"].map((t) => T.Literal(t))),
    source: T.String(),
    target: T.String(),
    read_only: BoolOrString,
    consistency: T.String(),
    bind: ComposeObject({
      propagation: T.String(),
      create_host_path: BoolOrString,
      recursive: T.Union(["enabled", "disabled", "writable", "readonly"].map((t) => T.Literal(t))),
      selinux: T.Union([T.Literal("z"), T.Literal("Z")]),
    }),
    volume: ComposeObject({ labels: ListOrDict, nocopy: BoolOrString, subpath: T.String() }),
    tmpfs: ComposeObject({ size: T.Union([T.Integer({ minimum: 0 }), T.String()]), mode: StringOrNumber }),
    image: ComposeObject({ subpath: T.String() }),
  },
  ["type"],
);

const EnvFile = T.Union([
  T.String(),
  T.Array(
    T.Union([
      T.String(),
      T.Object(
        { path: T.String(), format: T.Optional(T.String()), required: T.Optional(BoolOrString) },
        { additionalProperties: false },
      ),
    ]),
  ),
]);

const Gpus = T.Union([T.Literal("all"), T.Array(OpenObject(deviceRequestProps))]);

/** One service definition: every key of the compose-spec's `service`. */
export const ServiceSchema = ComposeObject({
  develop: T.Union([
    ComposeObject({
      watch: T.Array(
        ComposeObject(
          {
            ignore: StringOrList,
            include: StringOrList,
            path: T.String(),
            action: T.Union(
              ["rebuild", "sync", "restart", "sync+restart", "sync+exec"].map((t) => T.Literal(t)),
            ),
            target: T.String(),
            exec: ServiceHook,
            initial_sync: T.Boolean(),
          },
          ["path", "action"],
        ),
      ),
    }),
    T.Null(),
  ]),
  deploy: DeploySchema,
  annotations: ListOrDict,
  attach: BoolOrString,
  build: BuildSchema,
  blkio_config: T.Object(
    {
      device_read_bps: T.Optional(T.Array(BlkioLimit)),
      device_read_iops: T.Optional(T.Array(BlkioLimit)),
      device_write_bps: T.Optional(T.Array(BlkioLimit)),
      device_write_iops: T.Optional(T.Array(BlkioLimit)),
      weight: T.Optional(StringOrInteger),
      weight_device: T.Optional(T.Array(BlkioWeight)),
    },
    { additionalProperties: false },
  ),
  cap_add: ListOfStrings,
  cap_drop: ListOfStrings,
  cgroup: T.Union([T.Literal("host"), T.Literal("private")]),
  cgroup_parent: T.String(),
  command: Command,
  configs: ServiceFileRefs,
  container_name: T.String({ pattern: "[a-zA-Z0-9][a-zA-Z0-9_.-]+" }),
  cpu_count: T.Union([T.String(), T.Integer({ minimum: 0 })]),
  cpu_percent: T.Union([T.String(), T.Integer({ minimum: 0, maximum: 100 })]),
  cpu_shares: StringOrNumber,
  cpu_quota: StringOrNumber,
  cpu_period: StringOrNumber,
  cpu_rt_period: StringOrNumber,
  cpu_rt_runtime: StringOrNumber,
  cpus: StringOrNumber,
  cpuset: T.String(),
  credential_spec: ComposeObject({ config: T.String(), file: T.String(), registry: T.String() }),
  depends_on: DependsOn,
  device_cgroup_rules: ListOfStrings,
  devices: T.Array(
    T.Union([
      T.String(),
      ComposeObject({ source: T.String(), target: T.String(), permissions: T.String() }, ["source"]),
    ]),
  ),
  dns: StringOrList,
  dns_opt: ListOfStrings,
  dns_search: StringOrList,
  domainname: T.String(),
  entrypoint: Command,
  env_file: EnvFile,
  label_file: T.Union([T.String(), T.Array(T.String())]),
  environment: ListOrDict,
  expose: T.Array(T.Union([T.String(), T.Number()]), { uniqueItems: true }),
  extends: T.Union([
    T.String(),
    T.Object({ service: T.String(), file: T.Optional(T.String()) }, { additionalProperties: false }),
  ]),
  provider: ComposeObject(
    {
      type: T.String(),
      options: T.Record(
        T.String({ pattern: "^.+$" }),
        T.Union([
          T.Union([T.String(), T.Number(), T.Boolean()]),
          T.Array(T.Union([T.String(), T.Number(), T.Boolean()])),
        ]),
      ),
    },
    ["type"],
  ),
  external_links: ListOfStrings,
  extra_hosts: ExtraHosts,
  gpus: Gpus,
  group_add: T.Array(T.Union([T.String(), T.Number()]), { uniqueItems: true }),
  healthcheck: HealthcheckSchema,
  hostname: T.String(),
  image: T.String(),
  init: BoolOrString,
  ipc: T.String(),
  isolation: T.String(),
  labels: ListOrDict,
  links: ListOfStrings,
  logging: ComposeObject({
    driver: T.String(),
    options: T.Record(T.String({ pattern: "^.+$" }), T.Union([T.String(), T.Number(), T.Null()])),
  }),
  mac_address: T.String(),
  mem_limit: StringOrNumber,
  mem_reservation: StringOrInteger,
  mem_swappiness: StringOrInteger,
  memswap_limit: StringOrNumber,
  network_mode: T.String(),
  models: ServiceModels,
  networks: ServiceNetworks,
  oom_kill_disable: BoolOrString,
  oom_score_adj: T.Union([T.String(), T.Integer({ minimum: -1000, maximum: 1000 })]),
  pid: T.Union([T.String(), T.Null()]),
  pids_limit: StringOrNumber,
  platform: T.String(),
  ports: T.Array(PortSchema, { uniqueItems: true }),
  pre_start: T.Array(PreStartHook),
  post_start: T.Array(ServiceHook),
  pre_stop: T.Array(ServiceHook),
  privileged: BoolOrString,
  profiles: ListOfStrings,
  pull_policy: T.String({
    pattern: "always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+",
  }),
  pull_refresh_after: T.String(),
  read_only: BoolOrString,
  restart: T.String(),
  runtime: T.String(),
  scale: StringOrInteger,
  security_opt: ListOfStrings,
  shm_size: StringOrNumber,
  secrets: ServiceFileRefs,
  sysctls: ListOrDict,
  stdin_open: BoolOrString,
  stop_grace_period: T.String(),
  stop_signal: T.String(),
  storage_opt: T.Object({}, { additionalProperties: true }),
  tmpfs: StringOrList,
  tty: BoolOrString,
  ulimits: Ulimits,
  use_api_socket: T.Boolean(),
  user: T.String(),
  uts: T.String(),
  userns_mode: T.String(),
  volumes: T.Array(T.Union([T.String(), VolumeMount]), { uniqueItems: true }),
  volumes_from: ListOfStrings,
  working_dir: T.String(),
});
