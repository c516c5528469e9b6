import { describe, expect, it } from "vitest";
import { normalizeProjectName, resolveProjectName } from "./project-name.js";

const base = { env: {}, projectDir: "/work/My Project.v2" };

describe("resolveProjectName", () => {
  it("takes -p, then COMPOSE_PROJECT_NAME, then name:, then the directory", () => {
    const all = { ...base, flag: "a", env: { COMPOSE_PROJECT_NAME: "b" }, nameFromFile: "c" };
    expect(resolveProjectName(all)).toBe("a");
    expect(resolveProjectName({ ...all, flag: undefined })).toBe("b");
    expect(resolveProjectName({ ...all, flag: "", env: { COMPOSE_PROJECT_NAME: "" } })).toBe("c");
    expect(resolveProjectName(base)).toBe("myprojectv2");
  });

  it("rejects an invalid explicit name, saying where it came from and suggesting a valid one", () => {
    expect(() => resolveProjectName({ ...base, flag: "My App" })).toThrowError(
      expect.objectContaining({
        code: "E_PROJECT_NAME",
        path: undefined,
        message:
          'invalid project name "My App" (from -p / --project-name): it must contain only lowercase letters, digits, dashes and underscores, and start with a letter or digit (try "myapp")',
      }),
    );
    expect(() => resolveProjectName({ ...base, env: { COMPOSE_PROJECT_NAME: "_x" } })).toThrowError(
      /\(from COMPOSE_PROJECT_NAME\)/,
    );
    expect(() => resolveProjectName({ ...base, nameFromFile: "A" })).toThrowError(
      expect.objectContaining({
        path: ["name"],
        message: expect.stringContaining("(from the top-level name:)"),
      }),
    );
  });

  it("fails when nothing valid is left of the directory name", () => {
    expect(() => resolveProjectName({ env: {}, projectDir: "/work/___" })).toThrowError(
      expect.objectContaining({
        code: "E_PROJECT_NAME",
        message: expect.stringContaining("set one with -p"),
      }),
    );
  });
});

describe("normalizeProjectName", () => {
  it.each([
    ["_Web.App-1", "webapp-1"],
    ["my_app", "my_app"],
    ["--x", "x"],
    ["Über Café", "bercaf"],
    ["123", "123"],
  ])("%j → %j", (input, want) => {
    expect(normalizeProjectName(input)).toBe(want);
  });
});
