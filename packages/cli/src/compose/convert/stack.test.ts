import type { Project, ServiceConfig } from "@tsc/compose";
import { describe, expect, it } from "vitest";
import { toStackSpec } from "./stack.js";

const OPTS = { configFiles: ["/app/compose.yaml"], workingDir: "/app" };

/** A web + worker + probe project, canonical as the loader would leave it. */
function demo(): Project {
  return {
    name: "demo",
    services: {
      web: {
        image: "nginx:1.27",
        command: ["nginx", "-g", "daemon off;"],
        environment: { MODE: "prod", UNSET: null },
        labels: { tier: "front" },
        networks: { front: { aliases: ["www"], priority: 1 }, back: null },
        ports: [{ mode: "ingress", target: 80, published: "8080", protocol: "tcp" }],
        depends_on: { worker: { condition: "service_healthy", required: true } },
        extra_hosts: ["db=10.0.0.5"],
        stop_grace_period: "1m30s",
        ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 65535 },
        deploy: { resources: { limits: { memory: 268435456, cpus: 0.5 } } },
      },
      worker: {
        image: "busybox",
        scale: 3,
        networks: { back: { ipv4_address: "172.30.0.10" } },
        restart: "on-failure:3",
        healthcheck: {
          test: ["CMD-SHELL", "true"],
          interval: "10s",
          timeout: "1s",
          retries: 2,
          start_period: "1m",
        },
      },
      probe: { image: "alpine", networks: { default: null }, restart: "always", deploy: { mode: "global" } },
    },
    networks: {
      front: { name: "demo_front", labels: { a: "b" } },
      back: {
        name: "shared",
        external: true,
        ipam: { config: [{ subnet: "172.30.0.0/16", gateway: "172.30.0.1" }] },
      },
    },
  };
}

function one(svc: ServiceConfig, extra: Partial<Project> = {}) {
  const { stack, warnings } = toStackSpec({ name: "p", services: { s: svc }, ...extra }, OPTS);
  return { spec: stack.services[0]!, stack, warnings };
}

describe("toStackSpec", () => {
  it("converts a web + worker + probe project", () => {
    const { stack, warnings } = toStackSpec(demo(), OPTS);
    expect(warnings).toEqual([]);
    expect(stack.project).toBe("demo");
    expect(stack.configFiles).toEqual(["/app/compose.yaml"]);
    expect(stack.services.map((s) => s.name)).toEqual(["probe", "web", "worker"]);
    const [probe, web, worker] = stack.services;
    expect(web?.container).toMatchObject({
      image: "nginx:1.27",
      cmd: ["nginx", "-g", "daemon off;"],
      env: ["MODE=prod"],
      extraHosts: ["db:10.0.0.5"],
      stopTimeout: 90,
      memory: 268435456,
      cpus: 0.5,
      ulimits: [
        { name: "nofile", soft: 1024, hard: 2048 },
        { name: "nproc", soft: 65535, hard: 65535 },
      ],
      labels: {
        tier: "front",
        "com.docker.compose.project": "demo",
        "com.docker.compose.service": "web",
        "com.docker.compose.config-hash": web?.configHash,
      },
    });
    expect(web?.networks).toEqual([
      { key: "front", aliases: ["www"] },
      { key: "back", aliases: [] },
    ]);
    expect(web?.dependsOn).toEqual({
      worker: { condition: "service_healthy", required: true, restart: false },
    });
    expect(web?.restartPolicy).toEqual({ condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 });
    expect(worker).toMatchObject({ mode: "replicated", replicas: 3 });
    expect(worker?.networks).toEqual([{ key: "back", aliases: [], ipv4Address: "172.30.0.10" }]);
    expect(probe).toMatchObject({ mode: "global", replicas: 1 });
    expect(web?.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stack.networks).toEqual([
      {
        key: "back",
        name: "shared",
        external: true,
        internal: false,
        subnet: "172.30.0.0/16",
        gateway: "172.30.0.1",
        labels: { "com.docker.compose.project": "demo", "com.docker.compose.network": "back" },
      },
      expect.objectContaining({ key: "default", name: "demo_default", external: false }),
      {
        key: "front",
        name: "demo_front",
        external: false,
        internal: false,
        labels: { a: "b", "com.docker.compose.project": "demo", "com.docker.compose.network": "front" },
      },
    ]);
  });

  it("adds the implicit default network only when a service uses it", () => {
    expect(one({ image: "x" }).stack.networks.map((n) => n.name)).toEqual(["p_default"]);
    expect(one({ image: "x", networks: { default: null } }).spec.networks).toEqual([
      { key: "default", aliases: [] },
    ]);
    expect(one({ image: "x", network_mode: "none" }).stack.networks).toEqual([]);
  });

  it("maps ports, skipping sctp", () => {
    const { spec, warnings } = one({
      image: "x",
      ports: [
        { mode: "ingress", target: 80, published: "8000-8010", protocol: "tcp", host_ip: "127.0.0.1" },
        { mode: "host", target: 53, protocol: "udp" },
        { mode: "ingress", target: 9, published: "9", protocol: "sctp" },
      ],
    });
    expect(spec.ports).toEqual([
      { containerPort: 80, hostPort: 8000, protocol: "tcp", hostIp: "127.0.0.1" },
      { containerPort: 53, hostPort: 0, protocol: "udp" },
    ]);
    expect(warnings).toEqual(["services.s.ports[2]: sctp is not supported yet; the port is not published"]);
  });

  it("maps named, anonymous, bind and tmpfs volumes", () => {
    const { spec, stack, warnings } = one(
      {
        image: "x",
        volumes: [
          { type: "volume", source: "data", target: "/data", read_only: true, volume: { nocopy: true } },
          { type: "volume", target: "/cache" },
          { type: "bind", source: "/srv/conf", target: "/etc/app", bind: { create_host_path: true } },
          { type: "tmpfs", target: "/tmp", tmpfs: { size: 65536, mode: 1777 } },
          { type: "volume", source: "data", target: "/sub", volume: { subpath: "a" } },
        ],
        tmpfs: ["/run:size=1m,uid=1000", "/scratch"],
      },
      { volumes: { data: { name: "p_data", driver_opts: { type: "none" } } } },
    );
    expect(spec.container.volumes).toEqual([
      { name: "p_data", target: "/data", readOnly: true, nocopy: true },
      { target: "/cache" },
      { name: "p_data", target: "/sub" },
    ]);
    expect(spec.container.mounts).toEqual([
      { type: "bind", source: "/srv/conf", target: "/etc/app", createSource: true },
      { type: "tmpfs", target: "/tmp", options: ["size=65536", "mode=1777"] },
      { type: "tmpfs", target: "/run", options: ["size=1m", "uid=1000"] },
      { type: "tmpfs", target: "/scratch" },
    ]);
    expect(stack.volumes).toEqual([
      {
        key: "data",
        name: "p_data",
        external: false,
        driverOpts: { type: "none" },
        labels: { "com.docker.compose.project": "p", "com.docker.compose.volume": "data" },
      },
    ]);
    expect(warnings).toEqual(["services.s.volumes[4].volume.subpath is not supported yet and is ignored"]);
  });

  it("bind-mounts file secrets and configs read-only, and warns about the others", () => {
    const { spec, warnings } = one(
      {
        image: "x",
        secrets: [{ source: "token" }, { source: "key", target: "api.key" }, { source: "env" }],
        configs: [{ source: "conf" }, { source: "conf", target: "/etc/app.conf" }],
      },
      {
        secrets: {
          token: { name: "p_token", file: "/app/token.txt" },
          key: { name: "p_key", file: "/app/key" },
          env: { name: "p_env", environment: "TOKEN" },
        },
        configs: { conf: { name: "p_conf", file: "/app/app.conf" } },
      },
    );
    expect(spec.container.mounts).toEqual([
      { type: "bind", source: "/app/token.txt", target: "/run/secrets/token", readOnly: true },
      { type: "bind", source: "/app/key", target: "/run/secrets/api.key", readOnly: true },
      { type: "bind", source: "/app/app.conf", target: "/conf", readOnly: true },
      { type: "bind", source: "/app/app.conf", target: "/etc/app.conf", readOnly: true },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^services\.s\.secrets\[2\]: .*environment.*"env" is not mounted$/);
  });

  it("maps restart and deploy.restart_policy", () => {
    const policy = (svc: Omit<ServiceConfig, "image">) => one({ image: "x", ...svc }).spec.restartPolicy;
    const none = { condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 };
    expect(policy({})).toEqual(none);
    expect(policy({ restart: "no" })).toEqual(none);
    expect(policy({ restart: "always" })).toEqual({ ...none, condition: "any" });
    expect(policy({ restart: "unless-stopped" })).toEqual({ ...none, condition: "any" });
    expect(policy({ restart: "on-failure" })).toEqual({ ...none, condition: "on-failure" });
    expect(policy({ restart: "on-failure:3" })).toEqual({ ...none, condition: "on-failure", maxAttempts: 3 });
    expect(
      policy({ restart: "no", deploy: { restart_policy: { max_attempts: 5, delay: "5s", window: "2m" } } }),
    ).toEqual({ condition: "any", maxAttempts: 5, delayMs: 5000, windowMs: 120_000 });
  });

  it("converts healthcheck durations to milliseconds and disables with NONE", () => {
    const health = (h: ServiceConfig["healthcheck"]) => one({ image: "x", healthcheck: h }).spec.healthcheck;
    expect(
      health({
        test: ["CMD", "curl", "-f", "http://localhost"],
        interval: "1m30s",
        timeout: "500ms",
        retries: 4,
        start_period: "1s",
        start_interval: "250ms",
      }),
    ).toEqual({
      test: ["CMD", "curl", "-f", "http://localhost"],
      intervalMs: 90_000,
      timeoutMs: 500,
      retries: 4,
      startPeriodMs: 1000,
      startIntervalMs: 250,
    });
    expect(health({ disable: true })).toEqual({ test: ["NONE"] });
    expect(health({ test: ["NONE"] })).toEqual({ test: ["NONE"] });
  });
});

describe("toStackSpec's volumes", () => {
  it("has only the volumes a service mounts, as Compose creates only those (one of a disabled service too)", () => {
    const { stack } = toStackSpec(
      {
        name: "p",
        services: { s: { image: "x", volumes: [{ type: "volume", source: "data", target: "/data" }] } },
        disabled_services: {
          d: { image: "x", volumes: [{ type: "volume", source: "extra", target: "/e" }] },
        },
        volumes: { data: { name: "p_data" }, extra: { name: "p_extra" }, warn_v: { name: "p_warn_v" } },
      },
      OPTS,
    );
    expect(stack.volumes.map((v) => v.name)).toEqual(["p_data", "p_extra"]);
  });
});
