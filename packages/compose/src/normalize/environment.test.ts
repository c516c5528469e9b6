import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceContext } from "./context.js";
import { resolveServiceEnvironment, resolveServiceLabels } from "./environment.js";
import { MappingFileReader } from "./mapping-files.js";

const P = ["services", "web"];
let dir: string;

function context(env: Record<string, string> = {}): ServiceContext {
  return { projectDir: dir, lookup: (n) => env[n], files: new MappingFileReader() };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tsc-compose-env-"));
  writeFileSync(join(dir, "a.env"), "A=from-a\nSHARED=from-a\nREF=${PROJECT_VAR}-${SVC_VAR}\n");
  writeFileSync(join(dir, "b.env"), "SHARED=from-b\nCHAINED=${A}+1\n");
  writeFileSync(join(dir, "raw.env"), "# comment\nRAW=${NOT_EXPANDED} 'quoted'\n\nEQ=a=b\n");
  writeFileSync(join(dir, "bad-raw.env"), "NOEQUALS\n");
  writeFileSync(join(dir, "labels.txt"), "tier=1\ntier_label=${tier}2\n");
  mkdirSync(join(dir, "a-directory.env"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("resolveServiceEnvironment", () => {
  it("is undefined when the service sets neither env_file nor environment", () => {
    expect(resolveServiceEnvironment({ image: "x" }, context(), P)).toBeUndefined();
  });

  it("reads env files in order, then lets environment win", () => {
    const env = resolveServiceEnvironment(
      { env_file: ["a.env", "b.env"], environment: { A: "from-environment" } },
      context(),
      P,
    );
    expect(env).toMatchObject({ A: "from-environment", SHARED: "from-b", CHAINED: "from-a+1" });
  });

  it("expands ${VAR} in env files from the project environment, then the service environment", () => {
    const env = resolveServiceEnvironment(
      { env_file: "a.env", environment: ["SVC_VAR=svc"] },
      context({ PROJECT_VAR: "project" }),
      P,
    );
    expect(env?.REF).toBe("project-svc");
  });

  it("resolves bare environment names from the project environment or leaves them null", () => {
    expect(
      resolveServiceEnvironment({ environment: ["HOME_DIR", "NOPE"] }, context({ HOME_DIR: "/h" }), P),
    ).toEqual({
      HOME_DIR: "/h",
      NOPE: null,
    });
  });

  it("skips a missing optional file but fails on a missing required one, at the entry's path", () => {
    expect(
      resolveServiceEnvironment(
        { env_file: [{ path: "missing.env", required: "false" }, "b.env"] },
        context(),
        P,
      ),
    ).toMatchObject({ SHARED: "from-b" });
    expect(() =>
      resolveServiceEnvironment({ env_file: ["b.env", "missing.env"] }, context(), P),
    ).toThrowError(
      expect.objectContaining({
        code: "E_ENV_FILE",
        path: [...P, "env_file", 1],
        message: expect.stringContaining(`env file ${join(dir, "missing.env")} not found`),
      }),
    );
    expect(() => resolveServiceEnvironment({ env_file: "missing.env" }, context(), P)).toThrowError(
      expect.objectContaining({ path: [...P, "env_file"] }),
    );
  });

  it("reports a file that exists but cannot be read", () => {
    expect(() => resolveServiceEnvironment({ env_file: "a-directory.env" }, context(), P)).toThrowError(
      expect.objectContaining({
        code: "E_ENV_FILE",
        message: expect.stringMatching(/cannot read env file .*EISDIR/),
      }),
    );
  });

  it("takes raw files literally and rejects unknown formats", () => {
    expect(
      resolveServiceEnvironment({ env_file: [{ path: "raw.env", format: "raw" }] }, context(), P),
    ).toEqual({
      RAW: "${NOT_EXPANDED} 'quoted'",
      EQ: "a=b",
    });
    expect(() =>
      resolveServiceEnvironment({ env_file: [{ path: "bad-raw.env", format: "raw" }] }, context(), P),
    ).toThrowError(
      expect.objectContaining({
        code: "E_ENV_FILE",
        location: { file: join(dir, "bad-raw.env"), line: 1, column: 1 },
      }),
    );
    expect(() =>
      resolveServiceEnvironment({ env_file: [{ path: "a.env", format: "toml" }] }, context(), P),
    ).toThrowError(
      expect.objectContaining({
        path: [...P, "env_file", 0, "format"],
        message: expect.stringContaining('unsupported env file format "toml"'),
      }),
    );
  });
});

describe("resolveServiceLabels", () => {
  it("reads label files (which see their own earlier labels), then lets labels win", () => {
    expect(
      resolveServiceLabels({ label_file: "labels.txt", labels: ["tier=override"] }, context(), P),
    ).toEqual({
      tier: "override",
      tier_label: "12",
    });
  });

  it("requires every label file", () => {
    expect(() => resolveServiceLabels({ label_file: ["nope.txt"] }, context(), P)).toThrowError(
      expect.objectContaining({
        code: "E_FILE",
        path: [...P, "label_file", 0],
        hint: "create it or fix the path",
      }),
    );
  });
});
