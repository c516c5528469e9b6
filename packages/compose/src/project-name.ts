import { basename } from "node:path";
import { ComposeError } from "./errors.js";

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

/** Inputs for `resolveProjectName`, in order of precedence. */
export interface ProjectNameOptions {
  /** `-p`. */
  flag?: string;
  /** Looked up for COMPOSE_PROJECT_NAME. */
  env: Record<string, string | undefined>;
  /** The top-level `name:`. */
  nameFromFile?: string;
  projectDir: string;
}

/**
 * The project name as Compose picks it: `-p`, then COMPOSE_PROJECT_NAME, then `name:`, then the
 * project directory's name. An explicit name must already be valid (E_PROJECT_NAME); the directory
 * name is normalized: lower-cased, characters outside [a-z0-9_-] dropped.
 */
export function resolveProjectName(options: ProjectNameOptions): string {
  const explicit: [string | undefined, string][] = [
    [options.flag, "-p / --project-name"],
    [options.env.COMPOSE_PROJECT_NAME, "COMPOSE_PROJECT_NAME"],
    [options.nameFromFile, "the top-level name:"],
  ];
  for (const [name, source] of explicit) {
    if (name === undefined || name === "") continue;
    if (!VALID.test(name))
      throw new ComposeError({
        code: "E_PROJECT_NAME",
        path: source === "the top-level name:" ? ["name"] : undefined,
        detail: `invalid project name ${JSON.stringify(name)} (from ${source})`,
        hint: "a project name must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit",
      });
    return name;
  }
  const fromDir = normalizeProjectName(basename(options.projectDir));
  if (fromDir === "")
    throw new ComposeError({
      code: "E_PROJECT_NAME",
      detail: `cannot derive a project name from the directory ${JSON.stringify(options.projectDir)}`,
      hint: "set one with -p, COMPOSE_PROJECT_NAME or a top-level name:",
    });
  return fromDir;
}

/** Lower-cases and drops characters a project name may not contain (and leading `_`/`-`). */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
}
