import { describe, expect, it } from "vitest";
import type { ServiceSpec } from "./objects.js";
import { dependencyOrder } from "./orchestrator.js";
import type { StoredService } from "./state.js";
import { taskHash } from "./state.js";
import { servicesToRecreate } from "./stacks-service.js";

const spec = (name: string, hash: string, deps: string[] = []): ServiceSpec => ({
  name,
  mode: "replicated",
  replicas: 1,
  container: { image: "busybox" },
  networks: [],
  ports: [],
  restartPolicy: { condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 },
  dependsOn: Object.fromEntries(
    deps.map((d) => [d, { condition: "service_started", required: true, restart: false }]),
  ),
  configHash: hash,
});
const stored = (s: ServiceSpec, more: Partial<StoredService> = {}): StoredService => ({
  project: "p",
  spec: s,
  version: 1,
  createdAt: "",
  updatedAt: "",
  ...more,
});

// db ← api ← web, and a lone cache.
const files = [spec("web", "w1", ["api"]), spec("api", "a1", ["db"]), spec("db", "d1"), spec("cache", "c1")];
const running = new Map(files.map((s) => [s.name, stored(s)] as const));

describe("servicesToRecreate", () => {
  it("recreates nothing when nothing changed", () => {
    expect([...servicesToRecreate(files, running, {})]).toEqual([]);
  });

  it("recreates a changed service and, transitively, what depends on it", () => {
    const changed = files.map((s) => (s.name === "db" ? { ...s, configHash: "d2" } : s));
    expect([...servicesToRecreate(changed, running, {})].sort()).toEqual(["api", "db", "web"]);
    const leaf = files.map((s) => (s.name === "web" ? { ...s, configHash: "w2" } : s));
    expect([...servicesToRecreate(leaf, running, {})]).toEqual(["web"]);
  });

  it("recreates all with --force-recreate, none with --no-recreate, and never a new service", () => {
    expect([...servicesToRecreate(files, running, { forceRecreate: true })].sort()).toEqual([
      "api",
      "cache",
      "db",
      "web",
    ]);
    const changed = files.map((s) => ({ ...s, configHash: `${s.configHash}x` }));
    expect([...servicesToRecreate(changed, running, { noRecreate: true })]).toEqual([]);
    const fresh = new Map([...running].filter(([n]) => n !== "web"));
    expect([...servicesToRecreate(changed, fresh, {})].sort()).toEqual(["api", "cache", "db"]);
  });
});

describe("dependencyOrder", () => {
  it("puts every service after the services it depends on", () => {
    expect(dependencyOrder(files.map((s) => stored(s))).map((s) => s.spec.name)).toEqual([
      "db",
      "api",
      "web",
      "cache",
    ]);
  });
});

describe("taskHash", () => {
  it("is the config hash, with the recreate token when there is one", () => {
    expect(taskHash(stored(spec("db", "d1")))).toBe("d1");
    expect(taskHash(stored(spec("db", "d1"), { recreateToken: "t" }))).toBe("d1+t");
  });
});
