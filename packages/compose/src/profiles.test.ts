import { describe, expect, it } from "vitest";
import type { Project, ServiceConfig } from "./model.js";
import { applyProfiles } from "./profiles.js";

const dep = (required = true) => ({ condition: "service_started" as const, required });

function project(): Project {
  const services: Record<string, ServiceConfig> = {
    web: { image: "w", depends_on: { api: dep() } },
    api: { image: "a", depends_on: { db: dep(), metrics: dep(false) } },
    db: { image: "d", profiles: ["data"] },
    metrics: { image: "m", profiles: ["obs"] },
    debug: { image: "g", profiles: ["debug", "dev"] },
    lone: { image: "l" },
  };
  return { name: "p", services };
}

const enabled = (p: Project) => Object.keys(p.services).sort();
const disabled = (p: Project) => Object.keys(p.disabled_services ?? {}).sort();

describe("applyProfiles", () => {
  it("enables only services without profiles when no profile is active", () => {
    const out = applyProfiles(project(), { profiles: [] });
    expect(enabled(out)).toEqual(["api", "lone", "web"]);
    expect(disabled(out)).toEqual(["db", "debug", "metrics"]);
  });

  it("enables a service when any of its profiles is active", () => {
    expect(enabled(applyProfiles(project(), { profiles: ["dev"] }))).toEqual(["api", "debug", "lone", "web"]);
    expect(enabled(applyProfiles(project(), { profiles: ["data", "obs"] }))).toEqual([
      "api",
      "db",
      "lone",
      "metrics",
      "web",
    ]);
  });

  it("activates every profile with *", () => {
    const out = applyProfiles(project(), { profiles: ["*"] });
    expect(enabled(out)).toEqual(["api", "db", "debug", "lone", "metrics", "web"]);
    expect(out.disabled_services).toBeUndefined();
  });

  it("narrows to named services and their required dependencies, whatever their profiles", () => {
    const out = applyProfiles(project(), { profiles: [], services: ["web"] });
    expect(enabled(out)).toEqual(["api", "db", "web"]);
    expect(disabled(out)).toEqual(["debug", "lone", "metrics"]);
  });

  it("includes an optional dependency only when its profiles enable it, and drops it otherwise", () => {
    const without = applyProfiles(project(), { profiles: [], services: ["api"] });
    expect(enabled(without)).toEqual(["api", "db"]);
    expect(Object.keys(without.services.api?.depends_on ?? {})).toEqual(["db"]);
    const withObs = applyProfiles(project(), { profiles: ["obs"], services: ["api"] });
    expect(enabled(withObs)).toEqual(["api", "db", "metrics"]);
    expect(Object.keys(withObs.services.api?.depends_on ?? {})).toEqual(["db", "metrics"]);
  });

  it("enables a named service that has an inactive profile", () => {
    expect(enabled(applyProfiles(project(), { profiles: [], services: ["debug"] }))).toEqual(["debug"]);
  });

  it("keeps dependencies on unknown services for the consistency check to report", () => {
    const p: Project = { name: "p", services: { web: { image: "w", depends_on: { ghost: dep() } } } };
    expect(applyProfiles(p, { profiles: [], services: ["web"] }).services.web?.depends_on).toEqual({
      ghost: dep(),
    });
  });

  it("can be applied again: disabled services are considered too", () => {
    const first = applyProfiles(project(), { profiles: [] });
    const second = applyProfiles(first, { profiles: ["debug"] });
    expect(enabled(second)).toEqual(["api", "debug", "lone", "web"]);
  });

  it("does not modify its input", () => {
    const p = project();
    const before = JSON.stringify(p);
    applyProfiles(p, { profiles: [], services: ["api"] });
    expect(JSON.stringify(p)).toBe(before);
  });

  it("rejects an unknown named service with a suggestion, or the list of services", () => {
    expect(() => applyProfiles(project(), { profiles: [], services: ["wbe"] })).toThrowError(
      expect.objectContaining({
        code: "E_NO_SERVICE",
        message: 'no such service: "wbe" (did you mean "web"?)',
      }),
    );
    expect(() => applyProfiles(project(), { profiles: [], services: ["zzzzzzzz"] })).toThrowError(
      /the project's services are: web, api, db, metrics, debug, lone/,
    );
    expect(() => applyProfiles({ name: "p", services: {} }, { profiles: [], services: ["x"] })).toThrowError(
      /the project defines no services/,
    );
  });
});
