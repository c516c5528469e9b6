import type { NetworkAttachment } from "@tsc/runtime";
import { describe, expect, it } from "vitest";
import { hasEmbeddedDns, resolveName } from "./endpoints.js";

const ep = (network: string, ip: string, aliases: string[] = []): NetworkAttachment => ({
  network,
  networkId: `id-${network}`,
  ipAddress: ip,
  prefixLen: 24,
  gateway: "",
  macAddress: "",
  ifName: "eth0",
  aliases,
  ports: [],
});

const containers = [
  {
    id: "a".repeat(64),
    name: "web",
    running: true,
    endpoints: [ep("bridge", "10.0.0.2"), ep("app", "10.0.1.2", ["www"])],
  },
  { id: "b".repeat(64), name: "db", running: true, endpoints: [ep("app", "10.0.1.3")] },
  { id: "c".repeat(64), name: "old", running: false, endpoints: [ep("app", "10.0.1.4")] },
  { id: "d".repeat(64), name: "lonely", running: true, endpoints: [ep("bridge", "10.0.0.5")] },
];

describe("resolveName", () => {
  it("answers names, aliases and short IDs of running containers on a shared user network", () => {
    expect(resolveName("db", "10.0.1.2", containers)).toEqual(["10.0.1.3"]);
    expect(resolveName("WWW.", "10.0.1.3", containers)).toEqual(["10.0.1.2"]);
    expect(resolveName("b".repeat(12), "10.0.0.2", containers)).toEqual(["10.0.1.3"]);
  });

  it("leaves everything else to the upstream resolvers", () => {
    expect(resolveName("old", "10.0.1.2", containers)).toBeUndefined();
    expect(resolveName("example.com", "10.0.1.2", containers)).toBeUndefined();
    // The default bridge has no name resolution, as in Docker.
    expect(resolveName("web", "10.0.0.5", containers)).toBeUndefined();
    expect(resolveName("db", "192.0.2.1", containers)).toBeUndefined();
  });
});

describe("hasEmbeddedDns", () => {
  it("is true on user-defined networks only: --dns servers go into resolv.conf elsewhere", () => {
    expect(["app", "webstack_default"].map(hasEmbeddedDns)).toEqual([true, true]);
    expect(["bridge", "none", "host", "container:web"].map(hasEmbeddedDns)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
