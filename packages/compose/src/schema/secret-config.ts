import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import { ComposeObject, DriverOpts, External, ListOrDict, StringOrNumber } from "./common.js";

/** A top-level `secrets:` entry: where the secret's content comes from (file, environment, external). */
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

/** A top-level `configs:` entry: like a secret, plus inline `content`. */
export const ConfigSchema = ComposeObject({
  name: T.String(),
  content: T.String(),
  environment: T.String(),
  file: T.String(),
  external: External(false),
  labels: ListOrDict,
  template_driver: T.String(),
});

/** One entry of a service's `secrets:` / `configs:` (long form): what to mount where, with which owner. */
export const ServiceFileRefSchema = ComposeObject({
  source: T.String(),
  target: T.String(),
  uid: T.String(),
  gid: T.String(),
  mode: StringOrNumber,
});

/** A service's `secrets:` / `configs:` (`service_config_or_secret`): names or long-form entries. */
export const ServiceFileRefs = T.Array(T.Union([T.String(), ServiceFileRefSchema]));

/** A top-level secret as written. */
export type SecretInput = Static<typeof SecretSchema>;
/** A top-level config as written. */
export type ConfigInput = Static<typeof ConfigSchema>;
/** One entry of a service's `secrets:` / `configs:` as written. */
export type ServiceFileRefInput = Static<typeof ServiceFileRefs>[number];
