import { describe, expect, it } from "vitest";
import { normalizeResources } from "./resources.js";

const ctx = { projectName: "p", projectDir: "/proj" };

describe("normalizeResources", () => {
  it("names resources <project>_<key> unless named or external", () => {
    expect(
      normalizeResources(
        "volumes",
        {
          data: null,
          named: { name: "custom" },
          ext: { external: true },
          extNamed: { external: "true", name: "real" },
          legacy: { external: { name: "old-name" } },
          notExt: { external: false },
        },
        ctx,
      ),
    ).toEqual({
      data: { name: "p_data" },
      named: { name: "custom" },
      ext: { name: "ext", external: true },
      extNamed: { name: "real", external: true },
      legacy: { name: "old-name", external: true },
      notExt: { name: "p_notExt" },
    });
  });

  it("rejects a name that disagrees with the deprecated external.name", () => {
    expect(() =>
      normalizeResources("networks", { n: { name: "a", external: { name: "b" } } }, ctx),
    ).toThrowError(expect.objectContaining({ code: "E_INVALID_VALUE", path: ["networks", "n", "name"] }));
  });

  it("canonicalizes network booleans, labels and options, keeping x- extensions", () => {
    expect(
      normalizeResources(
        "networks",
        {
          front: {
            driver: "bridge",
            driver_opts: { mtu: 1400 },
            internal: "true",
            attachable: "0",
            enable_ipv6: true,
            labels: ["a=b"],
            ipam: {
              config: [{ subnet: "10.5.0.0/24", aux_addresses: { host1: "10.5.0.9" } }],
              options: { x: 1 },
            },
            "x-note": "keep",
          },
        },
        ctx,
      ).front,
    ).toEqual({
      name: "p_front",
      driver: "bridge",
      driver_opts: { mtu: "1400" },
      internal: true,
      attachable: false,
      enable_ipv6: true,
      labels: { a: "b" },
      ipam: {
        config: [{ subnet: "10.5.0.0/24", aux_addresses: { host1: "10.5.0.9" } }],
        options: { x: "1" },
      },
      "x-note": "keep",
    });
  });

  it("makes secret and config files absolute and keeps environment and content sources", () => {
    expect(
      normalizeResources("secrets", { token: { file: "./token.txt" }, env: { environment: "TOKEN" } }, ctx),
    ).toEqual({
      token: { name: "p_token", file: "/proj/token.txt" },
      env: { name: "p_env", environment: "TOKEN" },
    });
    expect(normalizeResources("configs", { c: { content: "hello" }, ext: { external: true } }, ctx)).toEqual({
      c: { name: "p_c", content: "hello" },
      ext: { name: "ext", external: true },
    });
  });

  it("rejects a secret or config with no content source", () => {
    expect(() => normalizeResources("secrets", { s: { labels: ["a=b"] } }, ctx)).toThrowError(
      expect.objectContaining({
        path: ["secrets", "s"],
        message: 'secrets.s: secret "s" has no content source (set file or environment, or external: true)',
      }),
    );
    expect(() => normalizeResources("configs", { c: {} }, ctx)).toThrowError(
      /set file, environment or content/,
    );
  });

  it("makes the device of a local bind volume absolute, and only that", () => {
    const volumes = normalizeResources(
      "volumes",
      {
        bound: { driver: "local", driver_opts: { type: "none", o: "bind", device: "./data" } },
        nfs: { driver: "local", driver_opts: { type: "nfs", o: "addr=1.2.3.4", device: ":/export" } },
      },
      ctx,
    );
    expect(volumes.bound?.driver_opts).toEqual({ type: "none", o: "bind", device: "/proj/data" });
    expect(volumes.nfs?.driver_opts).toEqual({ type: "nfs", o: "addr=1.2.3.4", device: ":/export" });
  });
});
