import type { ContainerRecord } from "@tsc/runtime";
import { describe, expect, it } from "vitest";
import { exposedPortKeys, inspectContainer, portBindings } from "./inspect.js";
import type { ContainerMeta } from "./types.js";

const rec = {
  id: "c".repeat(64),
  name: "web",
  created: "2026-01-01T00:00:00Z",
  args: ["sh"],
  status: "running",
  imageId: `sha256:${"a".repeat(64)}`,
  imageRef: "busybox",
  restartCount: 0,
  spec: { image: "busybox", cpus: 1.5 },
  imageConfig: { ExposedPorts: { "70/tcp": {} } },
} as unknown as ContainerRecord;

const meta: ContainerMeta = {
  id: rec.id,
  networkMode: "bridge",
  endpoints: [],
  ports: [
    { hostIp: "127.0.0.1", hostPort: 8081, containerPort: 80, protocol: "tcp" },
    { hostIp: "0.0.0.0", hostPort: 32768, containerPort: 80, protocol: "tcp" },
  ],
  portBindings: [
    { hostIp: "127.0.0.1", hostPort: 8081, containerPort: 80, protocol: "tcp" },
    { containerPort: 80, protocol: "tcp", hostPort: 0 },
  ],
  publishAll: false,
  exposedPorts: ["90-91/udp"],
  autoRemove: false,
};

describe("container inspect", () => {
  it("keeps every requested binding of a port, HostPort empty when random", () => {
    expect(portBindings(meta.portBindings!)).toEqual({
      "80/tcp": [
        { HostIp: "127.0.0.1", HostPort: "8081" },
        { HostIp: "", HostPort: "" },
      ],
    });
  });

  it("exposes published ports and expands --expose ranges", () => {
    expect(exposedPortKeys(["70/tcp", "90-91/udp", "5"], meta.ports)).toEqual([
      "70/tcp",
      "90/udp",
      "91/udp",
      "5/tcp",
      "80/tcp",
    ]);
  });

  it("shows Docker's fields", () => {
    const doc = inspectContainer(rec, meta, undefined, new Map(), {
      files: { log: "/d/c.log", resolvConf: "/d/resolv.conf", hosts: "/d/hosts", hostname: "/d/hostname" },
    }) as {
      HostConfig: Record<string, unknown>;
      Config: { ExposedPorts: Record<string, unknown> };
      NetworkSettings: { Ports: Record<string, unknown> };
    } & Record<string, unknown>;
    expect(doc.HostConfig.PortBindings).toEqual({
      "80/tcp": [
        { HostIp: "127.0.0.1", HostPort: "8081" },
        { HostIp: "", HostPort: "" },
      ],
    });
    expect(doc.HostConfig.PublishAllPorts).toBe(false);
    expect(doc.HostConfig).toMatchObject({ NanoCpus: 1_500_000_000, CpuQuota: 0, CpuPeriod: 0 });
    expect(Object.keys(doc.Config.ExposedPorts)).toEqual(["70/tcp", "90/udp", "91/udp", "80/tcp"]);
    expect(doc.NetworkSettings.Ports).toEqual({
      "70/tcp": null,
      "90/udp": null,
      "91/udp": null,
      "80/tcp": [
        { HostIp: "127.0.0.1", HostPort: "8081" },
        { HostIp: "0.0.0.0", HostPort: "32768" },
      ],
    });
    expect(doc).toMatchObject({
      LogPath: "/d/c.log",
      ResolvConfPath: "/d/resolv.conf",
      HostsPath: "/d/hosts",
      HostnamePath: "/d/hostname",
    });
  });
});
