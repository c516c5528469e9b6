import { existsSync, readFileSync } from "node:fs";
import { parseDotenv } from "../dotenv.js";
import { ComposeError } from "../errors.js";
import type { JsonPath } from "../json-path.js";
import { absolutePath } from "../rebase-paths.js";
import { listOrDictToMap } from "./maps.js";
import { parseBool } from "./units.js";

/**
 * A service's final environment: the `env_file`s in order (missing optional ones skipped), then
 * `environment` on top. A variable listed without a value takes the project environment's value,
 * or stays null (unset in the container) when there is none — as Compose resolves it.
 */
export function resolveServiceEnvironment(
  service: Record<string, unknown>,
  projectDir: string,
  env: Record<string, string>,
  path: JsonPath,
): Record<string, string | null> | undefined {
  const fromEnv = (name: string): string | null => env[name] ?? null;
  const files = envFiles(service.env_file, projectDir, [...path, "env_file"]);
  if (files.length === 0 && service.environment === undefined) return undefined;
  const out: Record<string, string | null> = {};
  for (const f of files) {
    if (!existsSync(f.path)) {
      if (!f.required) continue;
      throw new ComposeError({
        code: "E_ENV_FILE",
        path: f.at,
        detail: `env file ${f.path} not found`,
        hint: "create it, fix the path, or mark it `required: false`",
      });
    }
    Object.assign(out, parseDotenv(readFileSync(f.path, "utf8"), { file: f.path, lookup: (n) => env[n] }));
  }
  Object.assign(out, listOrDictToMap(service.environment, fromEnv));
  return out;
}

interface EnvFileRef {
  path: string;
  required: boolean;
  at: JsonPath;
}

function envFiles(value: unknown, projectDir: string, path: JsonPath): EnvFileRef[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    if (typeof item === "string") return { path: absolutePath(projectDir, item), required: true, at };
    const obj = item as { path: string; required?: unknown };
    return {
      path: absolutePath(projectDir, obj.path),
      required: obj.required === undefined ? true : parseBool(obj.required, [...at, "required"]),
      at,
    };
  });
}
