import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import {
  ComposeObject,
  ListOfStrings,
  ListOrDict,
  Nullable,
  OpenObject,
  StringEnum,
  StringOrInteger,
  StringOrNumber,
  Strings,
} from "./common.js";

/** What a device request (GPU …) asks for; shared by `deploy…devices` and the service's `gpus`. */
const deviceRequest = {
  capabilities: ListOfStrings,
  count: StringOrInteger,
  device_ids: ListOfStrings,
  driver: T.String(),
  options: ListOrDict,
};

/** `deploy.resources.reservations.devices`: closed entries that must name their capabilities. */
export const DeviceRequestsSchema = T.Array(ComposeObject(deviceRequest, { required: ["capabilities"] }));

/** A service's `gpus:`: `all`, or device requests (open objects, as upstream leaves them). */
export const GpusSchema = T.Union([StringEnum(["all"]), T.Array(OpenObject(deviceRequest))]);

/** `deploy.resources.reservations.generic_resources` (Swarm's named resources). */
export const GenericResourcesSchema = T.Array(
  ComposeObject({
    discrete_resource_spec: ComposeObject({ kind: T.String(), value: StringOrNumber }),
  }),
);

/** `update_config` / `rollback_config`: how a rolling update (or its rollback) proceeds. */
export const UpdateConfigSchema = ComposeObject({
  parallelism: StringOrInteger,
  delay: T.String(),
  failure_action: T.String(),
  monitor: T.String(),
  max_failure_ratio: StringOrNumber,
  order: StringEnum(["start-first", "stop-first"]),
});

/** `deploy.resources`: limits and reservations. */
export const ResourcesSchema = ComposeObject({
  limits: ComposeObject({ cpus: StringOrNumber, memory: T.String(), pids: StringOrInteger }),
  reservations: ComposeObject({
    cpus: StringOrNumber,
    memory: T.String(),
    generic_resources: GenericResourcesSchema,
    devices: DeviceRequestsSchema,
  }),
});

/** `deploy.restart_policy`: Swarm's restart policy. */
export const RestartPolicySchema = ComposeObject({
  condition: T.String(),
  delay: T.String(),
  max_attempts: StringOrInteger,
  window: T.String(),
});

/** `deploy.placement`: constraints, spread preferences and the per-node replica cap. */
export const PlacementSchema = ComposeObject({
  constraints: Strings,
  preferences: T.Array(ComposeObject({ spread: T.String() })),
  max_replicas_per_node: StringOrInteger,
});

/** `deploy:` — replicas, resources, restart policy, placement and update/rollback behaviour. */
export const DeploySchema = Nullable(
  ComposeObject({
    mode: T.String(),
    endpoint_mode: T.String(),
    replicas: StringOrInteger,
    labels: ListOrDict,
    rollback_config: UpdateConfigSchema,
    update_config: UpdateConfigSchema,
    resources: ResourcesSchema,
    restart_policy: RestartPolicySchema,
    placement: PlacementSchema,
  }),
);

/** `deploy:` as written. */
export type DeployInput = Static<typeof DeploySchema>;
/** `update_config` / `rollback_config` as written. */
export type UpdateConfigInput = Static<typeof UpdateConfigSchema>;
/** `deploy.resources` as written. */
export type ResourcesInput = Static<typeof ResourcesSchema>;
