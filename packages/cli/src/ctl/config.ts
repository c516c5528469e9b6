import { readFileSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { ExitError } from "../common/run-cli.js";

/** tscctl's config file, in Docker's format: `auths` (login) and `detachKeys`, with others kept. */
export type CliConfig = { auths?: Record<string, { auth?: string }>; detachKeys?: unknown } & Record<
  string,
  unknown
>;

/** tscctl's docker-style config: $TSC_CONFIG/config.json, else ~/.tsc/config.json. */
export function configPath(): string {
  return join(process.env.TSC_CONFIG ?? join(homedir(), ".tsc"), "config.json");
}

/**
 * The config; a missing one is empty, as Docker treats it. A file that is not JSON is a one-line
 * error naming the file (rather than being overwritten by `login`).
 */
export function readConfig(): CliConfig {
  let text: string;
  try {
    text = readFileSync(configPath(), "utf8");
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as CliConfig;
  } catch (e) {
    throw new ExitError(1, `tscctl: ${configPath()}: ${(e as Error).message}; fix or remove the file`);
  }
}

/** Writes the config, readable by its owner only (it holds credentials). */
export async function writeConfig(cfg: CliConfig): Promise<void> {
  await mkdir(dirname(configPath()), { recursive: true, mode: 0o700 });
  await writeFile(configPath(), `${JSON.stringify(cfg, null, "\t")}\n`, { mode: 0o600 });
  await chmod(configPath(), 0o600);
}

/**
 * The config's `detachKeys` (Docker's key for the default of `--detach-keys`), or undefined. A
 * value that is not a string is a one-line error naming the file.
 */
export function configuredDetachKeys(): string | undefined {
  const keys = readConfig().detachKeys;
  if (keys === undefined || keys === "") return undefined;
  if (typeof keys !== "string")
    throw new ExitError(1, `tscctl: ${configPath()}: detachKeys must be a string such as "ctrl-p,ctrl-q"`);
  return keys;
}
