import { Type as T } from "@sinclair/typebox";
import { BoolOrString, ComposeObject, DriverOpts, External, ListOrDict, StringOrList } from "./common.js";

/** A top-level `networks:` entry. */
export const NetworkSchema = T.Union([
  ComposeObject({
    name: T.String(),
    driver: T.String(),
    driver_opts: DriverOpts,
    ipam: ComposeObject({
      driver: T.String(),
      config: T.Array(
        ComposeObject({
          subnet: T.String(),
          ip_range: T.String(),
          gateway: T.String(),
          aux_addresses: T.Record(T.String({ pattern: "^.+$" }), T.String(), { additionalProperties: false }),
        }),
      ),
      options: T.Record(T.String({ pattern: "^.+$" }), T.String(), { additionalProperties: false }),
    }),
    external: External(true),
    internal: BoolOrString,
    enable_ipv4: BoolOrString,
    enable_ipv6: BoolOrString,
    attachable: BoolOrString,
    labels: ListOrDict,
  }),
  T.Null(),
]);

/** A top-level `volumes:` entry. */
export const VolumeSchema = T.Union([
  ComposeObject({
    name: T.String(),
    driver: T.String(),
    driver_opts: DriverOpts,
    external: External(true),
    labels: ListOrDict,
  }),
  T.Null(),
]);

/** A top-level `secrets:` entry. */
export const SecretSchema = ComposeObject({
  name: T.String(),
  environment: T.String(),
  file: T.String(),
  external: External(false),
  labels: ListOrDict,
  driver: T.String(),
  driver_opts: DriverOpts,
  template_driver: T.String(),
});

/** A top-level `configs:` entry. */
export const ConfigSchema = ComposeObject({
  name: T.String(),
  content: T.String(),
  environment: T.String(),
  file: T.String(),
  external: External(false),
  labels: ListOrDict,
  template_driver: T.String(),
});

/** A top-level `models:` entry. */
export const ModelSchema = ComposeObject(
  { name: T.String(), model: T.String(), context_size: T.Integer(), runtime_flags: T.Array(T.String()) },
  ["model"],
);

/** An `include:` entry. */
export const IncludeSchema = T.Union([
  T.String(),
  T.Object(
    {
      path: T.Optional(StringOrList),
      env_file: T.Optional(StringOrList),
      project_directory: T.Optional(T.String()),
    },
    { additionalProperties: false },
  ),
]);
