import { basename } from "node:path";
import { ComposeError } from "./errors.js";
import type { JsonPath } from "./json-path.js";

const VALID = /^[a-z0-9][a-z0-9_-]*$/;
const RULE =
  "it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit";

/** Inputs for `resolveProjectName`, in order of precedence. */
export interface ProjectNameOptions {
  /** `-p` / `--project-name`. */
  flag?: string;
  /** Looked up for COMPOSE_PROJECT_NAME. */
  env: Record<string, string | undefined>;
  /** The top-level `name:` of the merged compose files. */
  nameFromFile?: string;
  /** The project directory; its base name is the fallback. */
  projectDir: string;
}

/**
 * The project name as Compose picks it: `-p`, then COMPOSE_PROJECT_NAME, then the top-level
 * `name:`, then the project directory's name (empty values are skipped). A name given explicitly
 * must already be valid, or E_PROJECT_NAME names where it came from; the directory name is
 * normalized (see `normalizeProjectName`) and is E_PROJECT_NAME only when nothing is left.
 */
export function resolveProjectName(options: ProjectNameOptions): string {
  const explicit: [string | undefined, string, JsonPath | undefined][] = [
    [options.flag, "-p / --project-name", undefined],
    [options.env.COMPOSE_PROJECT_NAME, "COMPOSE_PROJECT_NAME", undefined],
    [options.nameFromFile, "the top-level name:", ["name"]],
  ];
  for (const [name, source, path] of explicit) {
    if (name === undefined || name === "") continue;
    if (VALID.test(name)) return name;
    const suggestion = normalizeProjectName(name);
    throw new ComposeError({
      code: "E_PROJECT_NAME",
      path,
      detail: `invalid project name ${JSON.stringify(name)} (from ${source}): ${RULE}`,
      hint: suggestion === "" ? undefined : `try ${JSON.stringify(suggestion)}`,
    });
  }
  const fromDir = normalizeProjectName(basename(options.projectDir));
  if (fromDir === "")
    throw new ComposeError({
      code: "E_PROJECT_NAME",
      detail: `cannot derive a project name from the directory ${JSON.stringify(options.projectDir)}: ${RULE}`,
      hint: "set one with -p, COMPOSE_PROJECT_NAME or a top-level name:",
    });
  return fromDir;
}

/** Makes a valid project name out of any text: lower-cased, characters outside [a-z0-9_-] and leading `_`/`-` dropped. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
}
