import type { JsonPath } from "../json-path.js";
import type { ServiceContext } from "./context.js";
import type { MappingFileKind } from "./mapping-files.js";
import { mappingFileRefs } from "./mapping-files.js";
import { labelsMap, mappingWithEquals } from "./maps.js";
import { at } from "./values.js";
import type { Data } from "./values.js";

const ENV_FILE: MappingFileKind = { noun: "env file", code: "E_ENV_FILE", canBeOptional: true };
const LABEL_FILE: MappingFileKind = { noun: "label file", code: "E_FILE", canBeOptional: false };

/**
 * A service's container environment, as Compose resolves it: the `env_file`s in order (optional
 * missing ones skipped), then `environment` on top. A variable named without a value takes the
 * project environment's value, or stays null. `${VAR}` in an env file sees the files read so far,
 * then the project environment, then the service's `environment`. Undefined when the service
 * sets neither key.
 */
export function resolveServiceEnvironment(
  svc: Data,
  ctx: ServiceContext,
  path: JsonPath,
): Record<string, string | null> | undefined {
  if (svc.env_file == null && svc.environment == null) return undefined;
  const declared = mappingWithEquals(svc.environment, at(path, "environment"), ctx.lookup, true);
  const fromFiles: Record<string, string> = {};
  const lookup = (name: string): string | undefined =>
    fromFiles[name] ?? ctx.lookup(name) ?? declared[name] ?? undefined;
  for (const ref of mappingFileRefs(svc.env_file, ctx.projectDir, at(path, "env_file")))
    Object.assign(fromFiles, ctx.files.read(ref, ENV_FILE, lookup));
  return { ...fromFiles, ...declared };
}

/**
 * A service's labels: the `label_file`s in order (each must exist; `${VAR}` sees the labels read
 * so far), then `labels` on top. Undefined when the service sets neither key.
 */
export function resolveServiceLabels(
  svc: Data,
  ctx: ServiceContext,
  path: JsonPath,
): Record<string, string> | undefined {
  if (svc.label_file == null && svc.labels == null) return undefined;
  const fromFiles: Record<string, string> = {};
  for (const ref of mappingFileRefs(svc.label_file, ctx.projectDir, at(path, "label_file")))
    Object.assign(
      fromFiles,
      ctx.files.read({ ...ref, required: true }, LABEL_FILE, (name) => fromFiles[name]),
    );
  return { ...fromFiles, ...labelsMap(svc.labels) };
}
