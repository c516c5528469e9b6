import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import { EXTENSIONS, NameMap, NAME_PATTERN } from "./common.js";
import {
  ConfigSchema,
  IncludeSchema,
  ModelSchema,
  NetworkSchema,
  SecretSchema,
  VolumeSchema,
} from "./resources.js";
import { ServiceSchema } from "./service.js";

/**
 * The compose file schema: the project's own definition of the Compose Specification, written once
 * in TypeBox so the JSON schema that validates files and the TypeScript input types come from the
 * same source. Deliberate differences from the upstream schema are listed in docs/compose-schema.md.
 */
export const ComposeFileSchema = T.Object(
  {
    version: T.Optional(T.String({ deprecated: true })),
    name: T.Optional(T.String()),
    include: T.Optional(T.Array(IncludeSchema)),
    services: T.Optional(NameMap(ServiceSchema)),
    models: T.Optional(T.Record(T.String({ pattern: NAME_PATTERN }), ModelSchema)),
    networks: T.Optional(T.Record(T.String({ pattern: NAME_PATTERN }), NetworkSchema)),
    volumes: T.Optional(NameMap(VolumeSchema)),
    secrets: T.Optional(NameMap(SecretSchema)),
    configs: T.Optional(NameMap(ConfigSchema)),
  },
  { additionalProperties: false, patternProperties: EXTENSIONS },
);

/** A compose file as written (after interpolation), as the schema accepts it. */
export type ComposeFileInput = Static<typeof ComposeFileSchema>;
/** One service as written. */
export type ServiceInput = Static<typeof ServiceSchema>;

export { ServiceSchema } from "./service.js";
