import type { Project, ServiceConfig } from "@tsc/compose";
import { describe, expect, it } from "vitest";
import { toServiceSpec } from "./service.js";

const project: Project = { name: "p", services: {} };
const spec = (svc: ServiceConfig) => toServiceSpec(project, "web", svc).spec;

describe("configHash", () => {
  const base: ServiceConfig = {
    image: "nginx",
    environment: { A: "1", B: "2" },
    labels: { x: "1", y: "2" },
    ports: [{ mode: "ingress", target: 80, published: "8080", protocol: "tcp" }],
    networks: { default: null },
  };

  it("is stable under key reordering", () => {
    const reordered: ServiceConfig = {
      networks: { default: null },
      ports: [{ protocol: "tcp", published: "8080", target: 80, mode: "ingress" }],
      labels: { y: "2", x: "1" },
      environment: { B: "2", A: "1" },
      image: "nginx",
    };
    expect(spec(reordered).configHash).toBe(spec(base).configHash);
  });

  it("ignores replicas and depends_on", () => {
    const h = spec(base).configHash;
    expect(spec({ ...base, scale: 5 }).configHash).toBe(h);
    expect(
      spec({ ...base, depends_on: { db: { condition: "service_started", required: true } } }).configHash,
    ).toBe(h);
  });

  it("changes with the environment", () => {
    expect(spec({ ...base, environment: { A: "1", B: "3" } }).configHash).not.toBe(spec(base).configHash);
  });

  it("changes with placement and reservations (a task may have to move)", () => {
    const h = spec(base).configHash;
    const placed = spec({
      ...base,
      deploy: { placement: { constraints: ["node.role==manager"] } },
    }).configHash;
    const reserved = spec({ ...base, deploy: { resources: { reservations: { cpus: 0.5 } } } }).configHash;
    expect(new Set([h, placed, reserved]).size).toBe(3);
  });

  it("is carried as Compose's config-hash label", () => {
    const s = spec(base);
    expect(s.container.labels?.["com.docker.compose.config-hash"]).toBe(s.configHash);
  });
});

describe("toServiceSpec", () => {
  it("maps the container settings", () => {
    expect(
      spec({
        image: "x",
        entrypoint: ["/init"],
        working_dir: "/w",
        user: "1000:1000",
        read_only: true,
        cap_add: ["NET_ADMIN"],
        mem_limit: 100,
        mem_reservation: 50,
        pids_limit: 20,
        cpu_shares: 512,
        shm_size: 1024,
        init: true,
        stop_signal: "SIGINT",
        expose: ["81/udp"],
        pull_policy: "always",
        volumes_from: ["container:old:ro"],
        container_name: "the-web",
      }),
    ).toMatchObject({
      containerName: "the-web",
      container: {
        entrypoint: ["/init"],
        workingDir: "/w",
        user: "1000:1000",
        readOnly: true,
        capAdd: ["NET_ADMIN"],
        memory: 100,
        memoryReservation: 50,
        pidsLimit: 20,
        cpuShares: 512,
        shmSize: 1024,
        init: true,
        stopSignal: "SIGINT",
        exposedPorts: ["81/udp"],
        pull: "always",
        volumesFrom: ["old:ro"],
      },
    });
  });

  it("maps deploy.placement and deploy.resources.reservations for the scheduler", () => {
    const s = spec({
      image: "x",
      deploy: {
        placement: {
          constraints: ["node.role==manager", "engine.labels.zone==east"],
          preferences: [{ spread: "node.labels.rack" }],
          max_replicas_per_node: 2,
        },
        resources: { reservations: { cpus: 0.25, memory: 64 * 2 ** 20 } },
      },
    });
    expect(s.placement).toEqual({
      constraints: ["node.role==manager", "engine.labels.zone==east"],
      maxReplicasPerNode: 2,
      preferences: ["node.labels.rack"],
    });
    expect(s.reservations).toEqual({ nanoCpus: 250_000_000, memoryBytes: 64 * 2 ** 20 });
    // The memory reservation is also the container's soft limit, as in Compose.
    expect(s.container.memoryReservation).toBe(64 * 2 ** 20);
    expect(spec({ image: "x" })).not.toHaveProperty("placement");
    expect(spec({ image: "x" })).not.toHaveProperty("reservations");
  });

  it("drops container_name with several replicas, with a warning", () => {
    const { spec: s, warnings } = toServiceSpec(project, "web", {
      image: "x",
      container_name: "c",
      scale: 2,
    });
    expect(s.containerName).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^services\.web\.container_name: /)]);
  });
});
