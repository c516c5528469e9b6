import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let found: string | undefined;

/**
 * The @tsc/cli package's directory, found by walking up from this module, so it is right both
 * from dist/ (one file per module) and from the bundled CLIs in dist/bundle/.
 */
export function cliPackageRoot(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "@tsc/cli"
    )
      return (found = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`no @tsc/cli package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
