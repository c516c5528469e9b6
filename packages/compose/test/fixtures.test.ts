/**
 * The fixture corpus: every directory under fixtures/ is one case, loaded like `tsc-compose config`
 * would load it, and compared with its expected canonical output or expected error.
 *
 *   fixtures/<case>/compose.yaml …   the project (any files the case needs, .env included)
 *   fixtures/<case>/case.yaml        optional: files, env, envFiles, profiles, services, projectName,
 *                                    projectDirectory, workingDir (relative to the case dir),
 *                                    interpolate, normalize
 *   fixtures/<case>/expected.yaml    the canonical project (`$DIR` stands for the case directory,
 *                                    `$HOMEDIR` for the home directory), or
 *   fixtures/<case>/error.yaml       {code, message}: the error code and a substring of its message
 *                                    (which includes file:line:col when the error has a location)
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { isComposeError, loadProject } from "@tsc/compose";
import type { LoadOptions } from "@tsc/compose";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "fixtures");
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface CaseSpec extends Omit<LoadOptions, "env"> {
  env?: Record<string, string>;
}

function readYaml(file: string): unknown {
  return parse(readFileSync(file, "utf8"));
}

/** Replaces `$DIR` (the case directory) and `$HOMEDIR` (the user's home) in expected strings. */
function withDir(value: unknown, dir: string): unknown {
  if (typeof value === "string") return value.split("$DIR").join(dir).split("$HOMEDIR").join(homedir());
  if (Array.isArray(value)) return value.map((v) => withDir(v, dir));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDir(v, dir)]));
  return value;
}

/** The project as `config --format json` would print it (undefined fields dropped). */
function printable(value: unknown): unknown {
  const { disabled_services: _d, ...rest } = value as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest));
}

describe("compose fixture corpus", () => {
  it("has at least 80 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const spec = (existsSync(join(dir, "case.yaml")) ? readYaml(join(dir, "case.yaml")) : {}) as CaseSpec;
      const options: LoadOptions = {
        ...spec,
        workingDir: join(dir, spec.workingDir ?? "."),
        env: { HOME: "/home/fixture", ...spec.env },
      };
      const expectedFile = join(dir, "expected.yaml");
      const errorFile = join(dir, "error.yaml");
      if (existsSync(errorFile)) {
        const want = readYaml(errorFile) as { code: string; message: string };
        const err = await loadProject(options).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, "expected the load to fail").toBeDefined();
        if (!isComposeError(err)) throw err;
        expect(err.code).toBe(want.code);
        expect(err.message).toContain(String(withDir(want.message, dir)));
      } else {
        expect(existsSync(expectedFile), `${name} needs expected.yaml or error.yaml`).toBe(true);
        const { project } = await loadProject(options);
        expect(printable(project)).toEqual(withDir(readYaml(expectedFile), dir));
      }
    });
  }
});
