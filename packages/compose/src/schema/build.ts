import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import {
  BoolOrString,
  ComposeObject,
  ExtraHosts,
  ListOrDict,
  StringOrInteger,
  StringOrList,
  Strings,
  Ulimits,
} from "./common.js";
import { ServiceFileRefs } from "./secret-config.js";

/** The long form of `build:`: context, Dockerfile, arguments, cache and output settings. */
export const BuildConfigSchema = ComposeObject({
  context: T.String(),
  dockerfile: T.String(),
  dockerfile_inline: T.String(),
  entitlements: Strings,
  args: ListOrDict,
  ssh: ListOrDict,
  labels: ListOrDict,
  cache_from: Strings,
  cache_to: Strings,
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
  tags: Strings,
  ulimits: Ulimits,
  platforms: Strings,
});

/** `build:` — a context path, or the long form. */
export const BuildSchema = T.Union([T.String(), BuildConfigSchema]);

/** `build:` as written. */
export type BuildInput = Static<typeof BuildSchema>;
