import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discoverComposeFiles } from "./discovery.js";
import { loadProjectEnvironment } from "./environment.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tsc-discovery-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const touch = (rel: string, text = "services: {}\n") => {
  mkdirSync(join(dir, rel, ".."), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

describe("discoverComposeFiles", () => {
  it("finds compose.yaml upward, with its override file", () => {
    touch("compose.yaml");
    touch("compose.override.yaml");
    touch("a/b/.keep", "");
    const found = discoverComposeFiles({ workingDir: join(dir, "a/b"), env: {} });
    expect(found).toEqual({
      files: [join(dir, "compose.yaml"), join(dir, "compose.override.yaml")],
      projectDir: dir,
      warnings: [],
    });
  });

  it("prefers compose.yaml and warns when several default names exist", () => {
    touch("compose.yaml");
    touch("docker-compose.yml");
    const found = discoverComposeFiles({ workingDir: dir, env: {} });
    expect(found.files).toEqual([join(dir, "compose.yaml")]);
    expect(found.warnings[0]).toMatch(/multiple config files/i);
  });

  it("takes -f over COMPOSE_FILE, and COMPOSE_FILE with its separator", () => {
    touch("a.yaml");
    touch("b.yaml");
    expect(
      discoverComposeFiles({ workingDir: dir, files: ["b.yaml"], env: { COMPOSE_FILE: "a.yaml" } }).files,
    ).toEqual([join(dir, "b.yaml")]);
    expect(
      discoverComposeFiles({
        workingDir: dir,
        env: { COMPOSE_FILE: "a.yaml;b.yaml", COMPOSE_PATH_SEPARATOR: ";" },
      }).files,
    ).toEqual([join(dir, "a.yaml"), join(dir, "b.yaml")]);
  });

  it("uses --project-directory when given", () => {
    touch("x/compose.yaml");
    expect(
      discoverComposeFiles({ workingDir: join(dir, "x"), env: {}, projectDirectory: "/elsewhere" })
        .projectDir,
    ).toBe("/elsewhere");
  });

  it("fails clearly when nothing is found or a -f file is missing", () => {
    expect(() => discoverComposeFiles({ workingDir: dir, env: {} })).toThrowError(
      /no configuration file provided/,
    );
    expect(() => discoverComposeFiles({ workingDir: dir, files: ["nope.yaml"], env: {} })).toThrowError(
      /compose file not found/,
    );
  });
});

describe("loadProjectEnvironment", () => {
  it("reads .env under the OS environment, which wins", () => {
    touch(".env", "A=file\nB=file\n");
    expect(loadProjectEnvironment({ projectDir: dir, osEnv: { B: "os" } })).toMatchObject({
      A: "file",
      B: "os",
    });
  });

  it("uses --env-file instead of .env, later files winning", () => {
    touch(".env", "A=default\n");
    touch("one.env", "A=one\nB=one\n");
    touch("two.env", "B=two\n");
    const env = loadProjectEnvironment({
      projectDir: dir,
      envFiles: [join(dir, "one.env"), join(dir, "two.env")],
      osEnv: {},
    });
    expect(env).toEqual({ A: "one", B: "two" });
  });

  it("fails on a missing explicit env file, and never touches the OS environment object", () => {
    const osEnv = { X: "1" };
    expect(() =>
      loadProjectEnvironment({ projectDir: dir, envFiles: [join(dir, "none.env")], osEnv }),
    ).toThrowError(/couldn't find env file: /);
    expect(osEnv).toEqual({ X: "1" });
  });
});
