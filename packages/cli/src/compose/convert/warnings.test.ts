import type { Project, ServiceConfig } from "@tsc/compose";
import { describe, expect, it } from "vitest";
import { toStackSpec } from "./stack.js";

const OPTS = { configFiles: [], workingDir: "/app" };
const warn = (svc: ServiceConfig, extra: Partial<Project> = {}) =>
  toStackSpec({ name: "p", services: { web: svc }, ...extra }, OPTS).warnings;

describe("warnings", () => {
  it("names each unsupported key of a service", () => {
    expect(
      warn({
        image: "x",
        gpus: [{ driver: "nvidia", count: "all" }],
        logging: { driver: "json-file", options: { "max-size": "1m" } },
        attach: false,
        profiles: ["debug"],
        tty: false,
        "x-note": { any: 1 },
      }),
    ).toEqual([
      "services.web.gpus is not supported yet and is ignored",
      "services.web.logging is not supported yet and is ignored",
    ]);
  });

  it("descends into deploy, networks and volumes", () => {
    expect(
      warn(
        {
          image: "x",
          cpu_shares: 512,
          cpu_quota: 50000,
          deploy: {
            mode: "replicated-job",
            placement: { constraints: ["node.role==manager"], preferences: [{ spread: "node.labels.zone" }] },
            resources: { limits: { cpus: 1 }, reservations: { memory: 1, devices: [{ count: 1 }] } },
          },
          networks: { default: { ipv6_address: "::5", aliases: ["a"] } },
          volumes: [
            {
              type: "bind",
              source: "/a",
              target: "/b",
              bind: { propagation: "shared" },
              consistency: "cached",
            },
          ],
        },
        { networks: { default: { name: "p_default", driver: "macvlan" } } },
      ),
    ).toEqual([
      'networks.default.driver: driver "macvlan" is not supported yet and is ignored',
      "services.web.cpu_quota is not supported yet and is ignored",
      "services.web.deploy.mode: replicated-job is not supported yet; the service runs as replicated",
      "services.web.deploy.resources.reservations.devices is not supported yet and is ignored",
      "services.web.networks.default.ipv6_address is not supported yet and is ignored",
      'services.web.volumes[0].bind.propagation: propagation "shared" is not supported yet and is ignored',
      "services.web.volumes[0].consistency is not supported yet and is ignored",
    ]);
  });

  it("explains build, network_mode, pull_policy and volumes_from", () => {
    expect(warn({ build: { context: "/app" } })).toEqual([
      "services.web.build: building images is not supported yet; give an image",
    ]);
    expect(
      toStackSpec({ name: "p", services: { web: { build: { context: "/app" } } } }, OPTS).stack.services[0]
        ?.container.image,
    ).toBe("p-web");
    expect(
      warn({
        image: "x",
        build: { context: "/app" },
        network_mode: "host",
        pull_policy: "daily",
        volumes_from: ["db:ro", "container:legacy:ro"],
        security_opt: ["no-new-privileges:true", "seccomp=unconfined"],
      }),
    ).toEqual([
      "services.web.build is ignored: building images is not supported yet; the image is pulled",
      "services.web.network_mode: host is not supported on the cluster engine yet; the service joins no network",
      'services.web.pull_policy: "daily" is not supported yet; "missing" is used',
      'services.web.security_opt: "seccomp=unconfined" is not supported yet and is ignored',
      'services.web.volumes_from: "db:ro" (another service\'s volumes) is not supported yet and is ignored',
    ]);
  });
});
