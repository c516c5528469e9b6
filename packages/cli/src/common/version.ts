import { readFileSync } from "node:fs";

/** The tsc release, read from the cli package's manifest (one source of truth). */
export const TSC_VERSION: string = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;
