import { describe, expect, it } from "vitest";
import { checkConsistency } from "./consistency.js";
import type { Project } from "./model.js";
import { applyProfiles } from "./profiles.js";
import { normalizeProjectName, resolveProjectName } from "./project-name.js";

describe("resolveProjectName", () => {
  const base = { env: {}, projectDir: "/work/My Project.v2" };
  it("takes -p, then COMPOSE_PROJECT_NAME, then name:, then the directory", () => {
    expect(
      resolveProjectName({ ...base, flag: "a", env: { COMPOSE_PROJECT_NAME: "b" }, nameFromFile: "c" }),
    ).toBe("a");
    expect(resolveProjectName({ ...base, env: { COMPOSE_PROJECT_NAME: "b" }, nameFromFile: "c" })).toBe("b");
    expect(resolveProjectName({ ...base, nameFromFile: "c" })).toBe("c");
    expect(resolveProjectName(base)).toBe("myprojectv2");
  });

  it("rejects invalid explicit names but normalizes directory names", () => {
    expect(() => resolveProjectName({ ...base, flag: "My App" })).toThrowError(
      /invalid project name "My App"/,
    );
    expect(normalizeProjectName("_Web.App-1")).toBe("webapp-1");
  });
});

const project = (services: Project["services"]): Project => ({ name: "p", services });

describe("applyProfiles", () => {
  const p = project({
    web: { image: "w" },
    debug: {
      image: "d",
      profiles: ["debug"],
      depends_on: { db: { condition: "service_started", required: true } },
    },
    db: { image: "db", profiles: ["data"] },
  });
  it("enables services without profiles, and those of active profiles", () => {
    expect(Object.keys(applyProfiles(p, { profiles: [] }).services)).toEqual(["web"]);
    expect(Object.keys(applyProfiles(p, { profiles: ["data"] }).services)).toEqual(["web", "db"]);
    expect(Object.keys(applyProfiles(p, { profiles: ["*"] }).services)).toEqual(["web", "debug", "db"]);
  });
  it("enables a named service and its dependencies, and only those", () => {
    const out = applyProfiles(p, { profiles: [], services: ["debug"] });
    expect(Object.keys(out.services)).toEqual(["debug", "db"]);
    expect(Object.keys(out.disabled_services ?? {})).toEqual(["web"]);
  });
  it("rejects an unknown service with a suggestion", () => {
    expect(() => applyProfiles(p, { profiles: [], services: ["dbug"] })).toThrowError(
      /no such service: "dbug" \(did you mean "debug"\?\)/,
    );
  });
});

describe("checkConsistency", () => {
  const ok = project({ web: { image: "w", networks: { default: null } } });
  ok.networks = { default: { name: "p_default" } };
  it("accepts a consistent project", () => {
    expect(() => checkConsistency(ok)).not.toThrow();
  });
  it.each<[string, Project, RegExp]>([
    ["missing image", project({ web: {} }), /neither an image nor a build/],
    [
      "unknown dependency",
      project({ web: { image: "w", depends_on: { db: { condition: "service_started", required: true } } } }),
      /undefined service "db"/,
    ],
    [
      "cycle",
      project({
        a: { image: "a", depends_on: { b: { condition: "service_started", required: true } } },
        b: { image: "b", depends_on: { a: { condition: "service_started", required: true } } },
      }),
      /dependency cycle detected: a -> b -> a/,
    ],
    [
      "unknown network",
      project({ web: { image: "w", networks: { nope: null } } }),
      /undefined network "nope"/,
    ],
    [
      "unknown volume",
      project({ web: { image: "w", volumes: [{ type: "volume", source: "v", target: "/v" }] } }),
      /undefined volume "v"/,
    ],
    ["unknown secret", project({ web: { image: "w", secrets: [{ source: "s" }] } }), /undefined secret "s"/],
    [
      "duplicate container name",
      project({ a: { image: "a", container_name: "x" }, b: { image: "b", container_name: "x" } }),
      /both use container_name "x"/,
    ],
    [
      "port conflict",
      project({
        a: { image: "a", ports: [{ mode: "ingress", target: 1, published: "80", protocol: "tcp" }] },
        b: { image: "b", ports: [{ mode: "ingress", target: 2, published: "80", protocol: "tcp" }] },
      }),
      /both publish 0.0.0.0:80\/tcp/,
    ],
  ])("rejects %s", (_name, p, message) => {
    expect(() => checkConsistency(p)).toThrowError(message);
  });
  it("ignores a missing optional dependency", () => {
    expect(() =>
      checkConsistency(
        project({
          web: { image: "w", depends_on: { db: { condition: "service_started", required: false } } },
        }),
      ),
    ).not.toThrow();
  });
});
