import type { JsonPath } from "../json-path.js";
import type { ServiceHook } from "../model.js";
import type { Lookup } from "./maps.js";
import { mappingWithEquals } from "./maps.js";
import { splitShellWords } from "./shell-words.js";
import { eachItem, isData, mapFields, parseBool, scalarText } from "./values.js";

/** `command` / `entrypoint`: a string is split into words as a shell would (`""` → `[]`), a list kept. */
export function normalizeCommand(value: unknown, path: JsonPath): string[] {
  return Array.isArray(value) ? value.map(scalarText) : splitShellWords(scalarText(value), path);
}

/**
 * Lifecycle hooks (`post_start`, `pre_stop`, `pre_start`): commands as argument lists, environment
 * resolved like a service's, flags as booleans. `image` fills in a pre_start hook's missing image.
 */
export function normalizeHooks(
  value: unknown,
  path: JsonPath,
  lookup: Lookup,
  image?: string,
): ServiceHook[] {
  return eachItem((hook, hookPath) => {
    const out = mapFields(
      isData(hook) ? hook : {},
      {
        command: normalizeCommand,
        environment: (env, p) => mappingWithEquals(env, p, lookup, true),
        privileged: parseBool,
        per_replica: parseBool,
      },
      hookPath,
    ) as ServiceHook;
    if (image !== undefined && out.image === undefined) out.image = image;
    return out;
  })(value, path);
}
