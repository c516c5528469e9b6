import type { SourceLocation } from "./errors.js";
import type { JsonPath } from "./json-path.js";

/**
 * One parsed compose file. `data` is plain JSON-like data (objects, arrays, strings, numbers,
 * booleans, null) in which `!reset`/`!override` values appear as `YamlTag` instances.
 */
export interface ComposeSource {
  /** Absolute path of the file (or a display name such as "-" for stdin). */
  readonly file: string;
  /** Directory relative paths in this file resolve against. */
  readonly dir: string;
  readonly data: unknown;
  /**
   * The location of the node at `path`, or of its nearest ancestor that exists in this file; for a
   * map entry, the location of its key. Undefined when not even the root matches.
   */
  locate(path: JsonPath): { location: SourceLocation; exact: boolean } | undefined;
}

/** Finds where a path was written, searching later (overriding) sources first. */
export function locateInSources(
  sources: readonly ComposeSource[],
  path: JsonPath,
): SourceLocation | undefined {
  let best: { location: SourceLocation; depth: number } | undefined;
  for (let i = sources.length - 1; i >= 0; i--) {
    const hit = sources[i]!.locate(path);
    if (!hit) continue;
    if (hit.exact) return hit.location;
    const depth = depthOf(sources[i]!, path, hit.location);
    if (!best || depth > best.depth) best = { location: hit.location, depth };
  }
  return best?.location;
}

function depthOf(source: ComposeSource, path: JsonPath, loc: SourceLocation): number {
  for (let n = path.length; n >= 0; n--) {
    const hit = source.locate(path.slice(0, n));
    if (hit?.exact && hit.location.line === loc.line && hit.location.column === loc.column) return n;
  }
  return 0;
}
