import { homedir } from "node:os";
import { describe, expect, it } from "vitest";
import { normalizeVolumes } from "./volumes.js";

const P = ["services", "web", "volumes"];
const DIR = "/proj";
const one = (spec: unknown) => normalizeVolumes([spec], DIR, P)[0];

describe("normalizeVolumes short syntax", () => {
  it("tells anonymous volumes, named volumes and bind mounts apart", () => {
    expect(one("/anon")).toEqual({ type: "volume", target: "/anon" });
    expect(one("data:/data")).toEqual({ type: "volume", source: "data", target: "/data" });
    expect(one("/host:/ctr")).toEqual({
      type: "bind",
      source: "/host",
      target: "/ctr",
      bind: { create_host_path: true },
    });
  });

  it("resolves relative and home bind sources", () => {
    expect(one("./rel:/r")?.source).toBe("/proj/rel");
    expect(one("../up:/u")?.source).toBe("/up");
    expect(one(".:/src")?.source).toBe("/proj");
    expect(one("~/x:/y")?.source).toBe(`${homedir()}/x`);
  });

  it("applies access, nocopy, SELinux, propagation and consistency modes", () => {
    expect(one("data:/d:ro")).toEqual({ type: "volume", source: "data", target: "/d", read_only: true });
    expect(one("data:/d:rw,nocopy")).toEqual({
      type: "volume",
      source: "data",
      target: "/d",
      read_only: false,
      volume: { nocopy: true },
    });
    expect(one("/h:/c:ro,Z,rslave,cached")).toEqual({
      type: "bind",
      source: "/h",
      target: "/c",
      read_only: true,
      consistency: "cached",
      bind: { create_host_path: true, selinux: "Z", propagation: "rslave" },
    });
  });

  it("cleans targets as Go's path.Clean does", () => {
    expect(one("data:/var/lib/../data/")?.target).toBe("/var/data");
    expect(one("/scratch//tmp/")?.target).toBe("/scratch/tmp");
  });

  it.each<[string, RegExp]>([
    ["rel", /must be an absolute path/],
    ["a:b", /the target "b" must be an absolute path/],
    ["a:/b:bogus", /unknown mode "bogus"/],
    ["a:/b:c:d", /too many colons/],
    ["a::/b", /empty section/],
    ["data:/d:z", /applies to bind mounts only/],
    ["/h:/c:nocopy", /applies to named volumes only/],
  ])("rejects %j", (spec, message) => {
    expect(() => normalizeVolumes(["/ok", spec], DIR, P)).toThrowError(
      expect.objectContaining({
        code: "E_INVALID_VALUE",
        path: [...P, 1],
        message: expect.stringMatching(message),
      }),
    );
  });
});

describe("normalizeVolumes long syntax", () => {
  it("resolves bind sources, parses booleans, and defaults create_host_path only when bind options are given", () => {
    expect(one({ type: "bind", source: "./conf", target: "/etc/conf/", read_only: "true" })).toEqual({
      type: "bind",
      source: "/proj/conf",
      target: "/etc/conf",
      read_only: true,
    });
    expect(one({ type: "bind", source: "/s", target: "/t", bind: { propagation: "shared" } })?.bind).toEqual({
      propagation: "shared",
      create_host_path: true,
    });
    expect(
      one({ type: "bind", source: "/s", target: "/t", bind: { create_host_path: "false" } })?.bind,
    ).toEqual({
      create_host_path: false,
    });
  });

  it("normalizes volume and tmpfs options", () => {
    expect(
      one({ type: "volume", source: "v", target: "/v", volume: { nocopy: "1", labels: ["a=b"] } }),
    ).toEqual({
      type: "volume",
      source: "v",
      target: "/v",
      volume: { nocopy: true, labels: { a: "b" } },
    });
    expect(one({ type: "tmpfs", target: "/tmp", tmpfs: { size: "64m", mode: "1777" } })).toEqual({
      type: "tmpfs",
      target: "/tmp",
      tmpfs: { size: 67108864, mode: 1777 },
    });
  });

  it("keeps x- extensions and image mounts", () => {
    expect(
      one({ type: "image", source: "alpine", target: "/img", image: { subpath: "etc" }, "x-k": 1 }),
    ).toEqual({
      type: "image",
      source: "alpine",
      target: "/img",
      image: { subpath: "etc" },
      "x-k": 1,
    });
  });

  it.each<[Record<string, unknown>, (string | number)[], RegExp]>([
    [{ type: "volume", source: "v" }, [], /needs a target/],
    [{ type: "bind", target: "/t" }, [], /needs a source/],
    [{ type: "volume", target: "rel" }, ["target"], /must be an absolute path/],
    [{ type: "tmpfs", target: "/t", tmpfs: { size: "huge" } }, ["tmpfs", "size"], /not a valid size/],
    [{ type: "bind", source: "/s", target: "/t", read_only: "perhaps" }, ["read_only"], /not a boolean/],
  ])("rejects %j", (volume, sub, message) => {
    expect(() => normalizeVolumes([volume], DIR, P)).toThrowError(
      expect.objectContaining({ path: [...P, 0, ...sub], message: expect.stringMatching(message) }),
    );
  });
});
