import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ComposeError } from "./errors.js";

/** Default compose file names, in order of preference (Compose v2). */
export const DEFAULT_COMPOSE_FILES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yml",
  "docker-compose.yaml",
];
const OVERRIDE_FILES = [
  "compose.override.yaml",
  "compose.override.yml",
  "docker-compose.override.yml",
  "docker-compose.override.yaml",
];

/** Inputs for `discoverComposeFiles`. */
export interface DiscoverOptions {
  /** `-f` values, relative to `workingDir`; `-` is stdin. */
  files?: string[];
  workingDir: string;
  env: Record<string, string | undefined>;
  /** `--project-directory`, absolute. */
  projectDirectory?: string;
}

/** The files to load, the project directory, and remarks for the user. */
export interface DiscoveredFiles {
  files: string[];
  projectDir: string;
  warnings: string[];
}

/**
 * Finds the compose files as Compose v2 does: `-f`, else `COMPOSE_FILE` (split on
 * `COMPOSE_PATH_SEPARATOR`, default `:`), else the first default file name found in the working
 * directory or a parent, plus its override file. Throws E_NO_CONFIG / E_FILE.
 */
export function discoverComposeFiles(options: DiscoverOptions): DiscoveredFiles {
  const warnings: string[] = [];
  let files: string[];
  const fromEnv = options.env.COMPOSE_FILE;
  if (options.files && options.files.length > 0)
    files = options.files.map((f) => (f === "-" ? f : resolve(options.workingDir, f)));
  else if (fromEnv)
    files = fromEnv
      .split(options.env.COMPOSE_PATH_SEPARATOR || ":")
      .filter(Boolean)
      .map((f) => resolve(options.workingDir, f));
  else files = searchUpward(options.workingDir, warnings);
  for (const f of files) {
    if (f !== "-" && !isFile(f))
      throw new ComposeError({
        code: "E_FILE",
        detail: `compose file not found: ${f}`,
        hint: "check the -f / COMPOSE_FILE path",
      });
  }
  const first = files[0]!;
  const projectDir = options.projectDirectory ?? (first === "-" ? options.workingDir : dirname(first));
  return { files, projectDir, warnings };
}

function searchUpward(start: string, warnings: string[]): string[] {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const found = DEFAULT_COMPOSE_FILES.filter((n) => isFile(join(dir, n)));
    if (found.length > 0) {
      if (found.length > 1)
        warnings.push(
          `Found multiple config files with supported names: ${found.map((n) => join(dir, n)).join(", ")}; using ${join(dir, found[0]!)}`,
        );
      const override = OVERRIDE_FILES.find((n) => isFile(join(dir, n)));
      return [join(dir, found[0]!), ...(override ? [join(dir, override)] : [])];
    }
    if (dirname(dir) === dir) break;
  }
  throw new ComposeError({
    code: "E_NO_CONFIG",
    detail: "no configuration file provided: not found",
    hint: `create a compose.yaml in ${resolve(start)} or a parent directory, or pass one with -f`,
  });
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
