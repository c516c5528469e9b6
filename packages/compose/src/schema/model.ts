import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import { ComposeObject, ListOfStrings, NameMap, Nullable, Strings } from "./common.js";

/** A top-level `models:` entry: an AI model the project runs (Docker Model Runner). */
export const ModelSchema = ComposeObject(
  { name: T.String(), model: T.String(), context_size: T.Integer(), runtime_flags: Strings },
  { required: ["model"] },
);

/** How a service sees one model: the variables that receive its endpoint and name. */
export const ServiceModelSchema = ComposeObject({ endpoint_var: T.String(), model_var: T.String() });

/** A service's `models:`: names, or a map from name to variable settings (an open map upstream). */
export const ServiceModelsSchema = T.Union([
  ListOfStrings,
  NameMap(Nullable(ServiceModelSchema), { closed: false }),
]);

/** A top-level model as written. */
export type ModelInput = Static<typeof ModelSchema>;
