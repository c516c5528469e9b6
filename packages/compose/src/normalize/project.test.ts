import { describe, expect, it } from "vitest";
import { normalizeProject } from "./project.js";

const ctx = { name: "p", projectDir: "/proj", env: { FROM_SHELL: "shell" } };
const service = (svc: Record<string, unknown>) =>
  normalizeProject({ services: { web: { image: "x", ...svc } } }, ctx).services.web!;

describe("normalizeProject networks", () => {
  it("puts services without networks on an implicit default network named <project>_default", () => {
    const p = normalizeProject({ services: { web: { image: "x" } } }, ctx);
    expect(p.services.web?.networks).toEqual({ default: null });
    expect(p.networks).toEqual({ default: { name: "p_default" } });
  });

  it("declares no default network when no service uses it", () => {
    const p = normalizeProject(
      {
        services: { a: { image: "x", networks: ["front"] }, b: { image: "x", network_mode: "host" } },
        networks: { front: {} },
      },
      ctx,
    );
    expect(p.services.a?.networks).toEqual({ front: null });
    expect(p.services.b?.networks).toBeUndefined();
    expect(p.networks).toEqual({ front: { name: "p_front" } });
  });

  it("joins default for an empty networks map, but not for provider services", () => {
    const p = normalizeProject(
      { services: { a: { image: "x", networks: {} }, m: { provider: { type: "model" } } } },
      ctx,
    );
    expect(p.services.a?.networks).toEqual({ default: null });
    expect(p.services.m?.networks).toBeUndefined();
  });

  it("keeps a declared default network's settings and names it", () => {
    const p = normalizeProject(
      { services: { a: { image: "x" } }, networks: { default: { driver: "bridge", "x-note": 1 } } },
      ctx,
    );
    expect(p.networks?.default).toEqual({ name: "p_default", driver: "bridge", "x-note": 1 });
  });

  it("normalizes attachment settings", () => {
    expect(
      service({
        networks: {
          front: { aliases: ["www"], ipv4_address: "10.5.0.5", priority: "10", driver_opts: { a: 1 } },
        },
      }).networks,
    ).toEqual({
      front: { aliases: ["www"], ipv4_address: "10.5.0.5", priority: 10, driver_opts: { a: "1" } },
    });
  });
});

describe("normalizeProject top level", () => {
  it("takes the given name, drops version and include, keeps x- extensions and models", () => {
    const p = normalizeProject(
      { name: "ignored", version: "3", services: {}, "x-top": { a: 1 }, models: { m: { model: "ai/x" } } },
      ctx,
    );
    expect(p).toEqual({ name: "p", services: {}, "x-top": { a: 1 }, models: { m: { model: "ai/x" } } });
  });

  it("omits empty resource groups and accepts an empty document", () => {
    expect(normalizeProject({}, ctx)).toEqual({ name: "p", services: {} });
    expect(normalizeProject(null, ctx)).toEqual({ name: "p", services: {} });
  });
});

describe("normalizeService fields", () => {
  it("splits string commands and keeps lists; drops a null command", () => {
    const svc = service({ command: `sh -c "echo hi"`, entrypoint: ["/bin/run", 1] });
    expect(svc.command).toEqual(["sh", "-c", "echo hi"]);
    expect(svc.entrypoint).toEqual(["/bin/run", "1"]);
    expect(service({ command: "" }).command).toEqual([]);
    expect("command" in service({ command: null })).toBe(false);
  });

  it("turns boolean and numeric strings into booleans and numbers", () => {
    expect(
      service({
        init: "true",
        tty: "1",
        privileged: "no",
        cpus: "1.5",
        cpu_shares: "512",
        pids_limit: "-1",
        oom_score_adj: "-500",
        mem_swappiness: "60",
      }),
    ).toMatchObject({
      init: true,
      tty: true,
      privileged: false,
      cpus: 1.5,
      cpu_shares: 512,
      pids_limit: -1,
      oom_score_adj: -500,
      mem_swappiness: 60,
    });
  });

  it("turns byte sizes into bytes and durations into Go durations", () => {
    expect(
      service({
        mem_limit: "512m",
        mem_reservation: "1g",
        memswap_limit: -1,
        shm_size: "64m",
        stop_grace_period: "90s",
      }),
    ).toMatchObject({
      mem_limit: 536870912,
      mem_reservation: 1073741824,
      memswap_limit: -1,
      shm_size: 67108864,
      stop_grace_period: "1m30s",
    });
  });

  it("turns strings into lists and scalars into strings", () => {
    expect(
      service({
        tmpfs: "/run",
        dns: "1.1.1.1",
        dns_search: "example.com",
        expose: [80, "81/udp"],
        group_add: [100],
      }),
    ).toMatchObject({
      tmpfs: ["/run"],
      dns: ["1.1.1.1"],
      dns_search: ["example.com"],
      expose: ["80", "81/udp"],
      group_add: ["100"],
    });
  });

  it("turns label-like lists into maps", () => {
    expect(
      service({ labels: ["a=b", "c"], annotations: { n: 1 }, sysctls: ["net.core.somaxconn=1024"] }),
    ).toMatchObject({
      labels: { a: "b", c: "" },
      annotations: { n: "1" },
      sysctls: { "net.core.somaxconn": "1024" },
    });
  });

  it("merges env_file into environment and drops env_file", () => {
    const svc = service({
      environment: ["FROM_SHELL", "A=1"],
      env_file: [{ path: "none.env", required: false }],
    });
    expect(svc.environment).toEqual({ FROM_SHELL: "shell", A: "1" });
    expect("env_file" in svc).toBe(false);
  });

  it("normalizes healthcheck, deploy, ulimits, blkio and logging", () => {
    const svc = service({
      healthcheck: { test: "curl -f http://localhost", interval: "90s", retries: "3", disable: "false" },
      deploy: {
        mode: "replicated",
        replicas: "2",
        labels: ["a=b"],
        resources: {
          limits: { cpus: "0.5", memory: "1g", pids: "100" },
          reservations: { memory: "512m", devices: [{ capabilities: ["gpu"] }] },
        },
        restart_policy: { condition: "on-failure", delay: "5s", max_attempts: "3", window: "120s" },
        update_config: {
          parallelism: "2",
          delay: "10s",
          monitor: "1m",
          max_failure_ratio: "0.1",
          order: "start-first",
        },
        placement: { constraints: ["node.role==manager"], max_replicas_per_node: "1" },
      },
      ulimits: { nproc: "65535", nofile: { soft: "20000", hard: 40000 } },
      blkio_config: {
        weight: "300",
        device_read_bps: [{ path: "/dev/sda", rate: "12mb" }],
        device_write_iops: [{ path: "/dev/sda", rate: "30" }],
      },
      logging: { driver: "json-file", options: { "max-size": "10m", "max-file": 3 } },
    });
    expect(svc.healthcheck).toEqual({
      test: ["CMD-SHELL", "curl -f http://localhost"],
      interval: "1m30s",
      retries: 3,
      disable: false,
    });
    expect(svc.deploy).toEqual({
      mode: "replicated",
      replicas: 2,
      labels: { a: "b" },
      resources: {
        limits: { cpus: 0.5, memory: 1073741824, pids: 100 },
        reservations: { memory: 536870912, devices: [{ capabilities: ["gpu"], count: "all" }] },
      },
      restart_policy: { condition: "on-failure", delay: "5s", max_attempts: 3, window: "2m0s" },
      update_config: {
        parallelism: 2,
        delay: "10s",
        monitor: "1m0s",
        max_failure_ratio: 0.1,
        order: "start-first",
      },
      placement: { constraints: ["node.role==manager"], max_replicas_per_node: 1 },
    });
    expect(svc.scale).toBe(2);
    expect(svc.ulimits).toEqual({ nproc: 65535, nofile: { soft: 20000, hard: 40000 } });
    expect(svc.blkio_config).toEqual({
      weight: 300,
      device_read_bps: [{ path: "/dev/sda", rate: 12582912 }],
      device_write_iops: [{ path: "/dev/sda", rate: 30 }],
    });
    expect(svc.logging).toEqual({ driver: "json-file", options: { "max-size": "10m", "max-file": "3" } });
  });

  it("expands devices and gpus", () => {
    const svc = service({
      devices: ["/dev/ttyUSB0", "/dev/sda:/dev/xvda:r", { source: "/dev/fuse", target: "/dev/fuse" }],
      gpus: "all",
    });
    expect(svc.devices).toEqual([
      { source: "/dev/ttyUSB0", target: "/dev/ttyUSB0", permissions: "rwm" },
      { source: "/dev/sda", target: "/dev/xvda", permissions: "r" },
      { source: "/dev/fuse", target: "/dev/fuse" },
    ]);
    expect(svc.gpus).toEqual([{ count: "all" }]);
    expect(service({ gpus: [{ driver: "nvidia", count: "2" }, { device_ids: ["0"] }] }).gpus).toEqual([
      { driver: "nvidia", count: 2 },
      { device_ids: ["0"] },
    ]);
  });

  it("normalizes lifecycle hooks; pre_start hooks default to the service image", () => {
    const svc = service({
      image: "app:1",
      post_start: [{ command: "echo started", privileged: "true" }],
      pre_start: [
        { command: ["migrate"], environment: ["FROM_SHELL"] },
        { command: "x", image: "tool" },
      ],
    });
    expect(svc.post_start).toEqual([{ command: ["echo", "started"], privileged: true }]);
    expect(svc.pre_start).toEqual([
      { command: ["migrate"], environment: { FROM_SHELL: "shell" }, image: "app:1" },
      { command: ["x"], image: "tool" },
    ]);
  });

  it("rewrites pull_policy if_not_present to missing and secrets/configs to long syntax", () => {
    const svc = service({
      pull_policy: "if_not_present",
      secrets: ["s", { source: "t", mode: "0440", uid: "1" }],
    });
    expect(svc.pull_policy).toBe("missing");
    expect(svc.secrets).toEqual([{ source: "s" }, { source: "t", mode: 0o440, uid: "1" }]);
  });

  it("turns a models list into a map and keeps x- extensions", () => {
    expect(service({ models: ["llm"], "x-meta": [1] })).toMatchObject({
      models: { llm: null },
      "x-meta": [1],
    });
  });

  it("takes scale from deploy.replicas and accepts agreeing values", () => {
    expect(service({ scale: "3" }).scale).toBe(3);
    expect(service({ scale: 4, deploy: { replicas: 4 } }).scale).toBe(4);
  });

  it.each<[Record<string, unknown>, (string | number)[], RegExp]>([
    [{ scale: 2, deploy: { replicas: 3 } }, ["scale"], /scale \(2\) and deploy.replicas \(3\) disagree/],
    [{ scale: -1 }, ["scale"], /out of range/],
    [{ restart: "sometimes" }, ["restart"], /"sometimes" is not a valid restart policy/],
    [{ restart: "on-failure:x" }, ["restart"], /not a valid restart policy/],
    [
      { healthcheck: { test: ["RUN", "x"] } },
      ["healthcheck", "test", 0],
      /must start with "CMD", "CMD-SHELL" or "NONE"/,
    ],
    [{ healthcheck: { interval: "10 seconds" } }, ["healthcheck", "interval"], /not a valid duration/],
    [
      { ulimits: { nofile: { soft: 2, hard: 1 } } },
      ["ulimits", "nofile"],
      /soft limit \(2\) is above the hard limit \(1\)/,
    ],
    [{ devices: ["a:b:c:d"] }, ["devices", 0], /not a valid device mapping/],
    [{ gpus: [{ count: "many" }] }, ["gpus", 0, "count"], /not a device count/],
    [{ oom_score_adj: 2000 }, ["oom_score_adj"], /out of range/],
    [{ mem_limit: "lots" }, ["mem_limit"], /"lots" is not a valid size/],
    [{ init: "maybe" }, ["init"], /"maybe" is not a boolean/],
    [{ command: "echo 'x" }, ["command"], /unterminated single quote/],
    [{ ports: ["80:80:80"] }, ["ports", 0], /not a valid port mapping/],
  ])("rejects %j at its path", (svc, sub, message) => {
    expect(() => service(svc)).toThrowError(
      expect.objectContaining({
        code: "E_INVALID_VALUE",
        path: ["services", "web", ...sub],
        message: expect.stringMatching(message),
      }),
    );
  });
});
