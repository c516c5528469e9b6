import { describe, expect, it } from "vitest";
import { checkConsistency } from "./consistency.js";
import type { Project, ServiceConfig, ServicePortConfig } from "./model.js";

const dep = (required = true) => ({ condition: "service_started" as const, required });
const port = (published: string, extra: Partial<ServicePortConfig> = {}): ServicePortConfig => ({
  mode: "ingress",
  target: 80,
  published,
  protocol: "tcp",
  ...extra,
});

function project(services: Record<string, ServiceConfig>, extra: Partial<Project> = {}): Project {
  return { name: "p", services, networks: { default: { name: "p_default" } }, ...extra };
}

function failure(p: Project): unknown {
  try {
    checkConsistency(p);
  } catch (e) {
    return e;
  }
  throw new Error("expected checkConsistency to fail");
}

describe("checkConsistency accepts", () => {
  it("a project whose references all resolve", () => {
    const p = project(
      {
        web: {
          image: "w",
          depends_on: { db: dep(), optional: dep(false) },
          links: ["db:database"],
          networks: { default: null, front: null },
          volumes: [
            { type: "volume", source: "data", target: "/data" },
            { type: "volume", target: "/anon" },
            { type: "bind", source: "/h", target: "/h" },
          ],
          secrets: [{ source: "s" }],
          configs: [{ source: "c" }],
          ports: [port("8080"), port("8080", { protocol: "udp" }), port("8000-8010")],
          tmpfs: ["/run:size=1m"],
          container_name: "web-1",
          scale: 1,
        },
        db: {
          build: { context: "/proj" },
          ports: [port("8000-8010"), port("9090", { host_ip: "127.0.0.1" })],
        },
        side: { image: "s", network_mode: "service:web", ports: [port("9090", { host_ip: "127.0.0.2" })] },
        model: { provider: { type: "model" } },
      },
      {
        networks: { default: { name: "p_default" }, front: { name: "p_front" } },
        volumes: { data: { name: "p_data" } },
        secrets: { s: { name: "p_s", file: "/s" } },
        configs: { c: { name: "p_c", content: "x" } },
      },
    );
    expect(() => checkConsistency(p)).not.toThrow();
  });

  it("a long dependency chain without overflowing", () => {
    const services: Record<string, ServiceConfig> = {};
    for (let i = 0; i < 20_000; i++)
      services[`s${i}`] = { image: "x", depends_on: i > 0 ? { [`s${i - 1}`]: dep() } : undefined };
    expect(() => checkConsistency(project(services))).not.toThrow();
  });
});

describe("checkConsistency rejects", () => {
  it.each<[string, Project, string, (string | number)[], string]>([
    [
      "a service with neither image nor build",
      project({ web: {} }),
      "E_INVALID_VALUE",
      ["services", "web"],
      'service "web" has neither an image nor a build context specified',
    ],
    [
      "an undefined dependency, with a suggestion",
      project({ web: { image: "w", depends_on: { dbb: dep() } }, db: { image: "d" } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "depends_on", "dbb"],
      'service "web" depends on undefined service "dbb" (did you mean "db"?)',
    ],
    [
      "a link to an undefined service, at the link",
      project({ web: { image: "w", links: ["cache:c"], depends_on: { cache: dep() } } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "links", 0],
      'depends on undefined service "cache"',
    ],
    [
      "volumes_from an undefined service",
      project({ web: { image: "w", volumes_from: ["data:ro"] } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "volumes_from", 0],
      'depends on undefined service "data"',
    ],
    [
      "network_mode service: an undefined service",
      project({ web: { image: "w", network_mode: "service:vpn" } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "network_mode"],
      'depends on undefined service "vpn"',
    ],
    [
      "a required dependency disabled by profiles, naming them",
      project(
        { web: { image: "w", depends_on: { db: dep() } } },
        { disabled_services: { db: { image: "d", profiles: ["data"] } } },
      ),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "depends_on", "db"],
      'service "web" depends on "db", which is disabled by its profiles (activate one of its profiles (--profile data)',
    ],
    [
      "an undefined network",
      project({ web: { image: "w", networks: { frontend: null } } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "networks", "frontend"],
      'service "web" refers to undefined network "frontend" (declare it under the top-level networks:)',
    ],
    [
      "an undeclared named volume, with a suggestion",
      project(
        { web: { image: "w", volumes: [{ type: "volume", source: "dta", target: "/d" }] } },
        { volumes: { data: { name: "p_data" } } },
      ),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "volumes", 0],
      'service "web" refers to undefined volume "dta" (did you mean "data"?)',
    ],
    [
      "an undefined secret",
      project({ web: { image: "w", secrets: [{ source: "token" }] } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "secrets", 0],
      'refers to undefined secret "token"',
    ],
    [
      "an undefined build secret",
      project({ web: { build: { context: "/c", secrets: [{ source: "npmrc" }] } } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "build", "secrets", 0],
      'refers to undefined secret "npmrc"',
    ],
    [
      "an undefined config",
      project({ web: { image: "w", configs: [{ source: "conf" }] } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "configs", 0],
      'refers to undefined config "conf"',
    ],
    [
      "an undefined model",
      project({ web: { image: "w", models: { llm: null } } }),
      "E_UNKNOWN_REFERENCE",
      ["services", "web", "models", "llm"],
      'refers to undefined model "llm"',
    ],
    [
      "network_mode together with networks",
      project({ web: { image: "w", network_mode: "host", networks: { default: null } } }),
      "E_INVALID_VALUE",
      ["services", "web", "network_mode"],
      "sets both network_mode and networks",
    ],
    [
      "two mounts on one target",
      project({
        web: {
          image: "w",
          tmpfs: ["/data:size=1m"],
          volumes: [{ type: "bind", source: "/h", target: "/data" }],
        },
      }),
      "E_INVALID_VALUE",
      ["services", "web", "volumes", 0],
      "the target /data is already mounted by services.web.tmpfs[0]",
    ],
    [
      "a duplicate container_name",
      project({ a: { image: "a", container_name: "same" }, b: { image: "b", container_name: "same" } }),
      "E_DUPLICATE_CONTAINER_NAME",
      ["services", "b", "container_name"],
      'services "a" and "b" both use container_name "same"',
    ],
    [
      "container_name on a scaled service",
      project({ web: { image: "w", container_name: "web", scale: 2 } }),
      "E_INVALID_VALUE",
      ["services", "web", "container_name"],
      'service "web" sets container_name but is scaled to 2',
    ],
    [
      "two services publishing the same port",
      project({
        a: { image: "a", ports: [port("8080")] },
        b: { image: "b", ports: [port("8080", { target: 81 })] },
      }),
      "E_PORT_CONFLICT",
      ["services", "b", "ports", 0],
      'services "a" and "b" both publish 0.0.0.0:8080/tcp',
    ],
    [
      "a specific address inside another service's wildcard",
      project({
        a: { image: "a", ports: [port("53", { host_ip: "0.0.0.0", protocol: "udp" })] },
        b: { image: "b", ports: [port("53", { host_ip: "10.0.0.1", protocol: "udp" })] },
      }),
      "E_PORT_CONFLICT",
      ["services", "b", "ports", 0],
      'services "a" and "b" both publish 0.0.0.0:53/udp and 10.0.0.1:53/udp',
    ],
    [
      "one service publishing a host port twice",
      project({
        a: {
          image: "a",
          ports: [port("8080", { host_ip: "::1" }), port("8080", { host_ip: "::1", target: 81 })],
        },
      }),
      "E_PORT_CONFLICT",
      ["services", "a", "ports", 1],
      'service "a" publishes [::1]:8080/tcp twice',
    ],
    [
      "a dependency cycle, named in order",
      project({
        a: { image: "a", depends_on: { b: dep() } },
        b: { image: "b", depends_on: { c: dep() } },
        c: { image: "c", depends_on: { a: dep() } },
      }),
      "E_DEPENDENCY_CYCLE",
      ["services", "c", "depends_on", "a"],
      "dependency cycle detected: a -> b -> c -> a",
    ],
    [
      "a service depending on itself",
      project({ a: { image: "a", depends_on: { a: dep() } } }),
      "E_DEPENDENCY_CYCLE",
      ["services", "a", "depends_on", "a"],
      "dependency cycle detected: a -> a",
    ],
  ])("%s", (_name, p, code, path, message) => {
    expect(failure(p)).toMatchObject({ code, path, message: expect.stringContaining(message) });
  });

  it("finds a cycle reached through an acyclic prefix", () => {
    const p = project({
      entry: { image: "e", depends_on: { x: dep() } },
      x: { image: "x", depends_on: { y: dep() } },
      y: { image: "y", depends_on: { x: dep() } },
    });
    expect(failure(p)).toMatchObject({
      message: expect.stringContaining("dependency cycle detected: x -> y -> x"),
    });
  });

  it("ignores a missing or disabled optional dependency", () => {
    const p = project(
      { web: { image: "w", depends_on: { gone: dep(false), off: dep(false) } } },
      { disabled_services: { off: { image: "o", profiles: ["x"] } } },
    );
    expect(() => checkConsistency(p)).not.toThrow();
  });
});
