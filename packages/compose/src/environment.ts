import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDotenv } from "./dotenv.js";
import { ComposeError } from "./errors.js";

/** Inputs for `loadProjectEnvironment`. */
export interface ProjectEnvironmentOptions {
  projectDir: string;
  /** `--env-file`s as absolute paths, in order; when empty, `<projectDir>/.env` if it exists. */
  envFiles?: string[];
  osEnv: Record<string, string | undefined>;
}

/**
 * The variables used for interpolation: the env files (later ones override earlier ones) under the
 * OS environment, which always wins. A missing explicit env file is E_ENV_FILE. Returns a new
 * object; `osEnv` is never modified.
 */
export function loadProjectEnvironment(options: ProjectEnvironmentOptions): Record<string, string> {
  const explicit = options.envFiles && options.envFiles.length > 0;
  const files = explicit
    ? options.envFiles!
    : [join(options.projectDir, ".env")].filter((f) => existsSync(f));
  const fromFiles: Record<string, string> = {};
  const os = (name: string): string | undefined => options.osEnv[name];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ComposeError({
        code: "E_ENV_FILE",
        // Compose's words for a missing file.
        detail:
          code === "ENOENT"
            ? `couldn't find env file: ${file}`
            : `cannot read env file ${file}: ${code ?? String(e)}`,
        hint: "check the --env-file path",
        cause: e,
      });
    }
    Object.assign(fromFiles, parseDotenv(text, { file, lookup: (n) => os(n) ?? fromFiles[n] }));
  }
  const env: Record<string, string> = { ...fromFiles };
  for (const [k, v] of Object.entries(options.osEnv)) if (v !== undefined) env[k] = v;
  return env;
}
