import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cliPackageRoot } from "./package-root.js";

/** The tsc release, read from the cli package's manifest (one source of truth). */
export const TSC_VERSION: string = (
  JSON.parse(readFileSync(join(cliPackageRoot(), "package.json"), "utf8")) as { version: string }
).version;
