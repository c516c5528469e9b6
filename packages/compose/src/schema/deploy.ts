import { Type as T } from "@sinclair/typebox";
import { ComposeObject, deviceRequestProps, ListOrDict, StringOrInteger, StringOrNumber } from "./common.js";

const UpdateConfig = ComposeObject({
  parallelism: StringOrInteger,
  delay: T.String(),
  failure_action: T.String(),
  monitor: T.String(),
  max_failure_ratio: StringOrNumber,
  order: T.Union([T.Literal("start-first"), T.Literal("stop-first")]),
});

/** `deploy.resources.reservations.generic_resources`. */
export const GenericResources = T.Array(
  ComposeObject({
    discrete_resource_spec: ComposeObject({ kind: T.String(), value: StringOrNumber }),
  }),
);

/** `deploy.resources.reservations.devices`. */
export const DeviceRequests = T.Array(ComposeObject(deviceRequestProps, ["capabilities"]));

/** `deploy:` — replicas, resources, restart policy, placement and update/rollback behaviour. */
export const DeploySchema = T.Union([
  ComposeObject({
    mode: T.String(),
    endpoint_mode: T.String(),
    replicas: StringOrInteger,
    labels: ListOrDict,
    rollback_config: UpdateConfig,
    update_config: UpdateConfig,
    resources: ComposeObject({
      limits: ComposeObject({ cpus: StringOrNumber, memory: T.String(), pids: StringOrInteger }),
      reservations: ComposeObject({
        cpus: StringOrNumber,
        memory: T.String(),
        generic_resources: GenericResources,
        devices: DeviceRequests,
      }),
    }),
    restart_policy: ComposeObject({
      condition: T.String(),
      delay: T.String(),
      max_attempts: StringOrInteger,
      window: T.String(),
    }),
    placement: ComposeObject({
      constraints: T.Array(T.String()),
      preferences: T.Array(ComposeObject({ spread: T.String() })),
      max_replicas_per_node: StringOrInteger,
    }),
  }),
  T.Null(),
]);
