import { describe, expect, it } from "vitest";
import { normalizePorts } from "./ports.js";
import { formatDuration, parseBool, parseBytes, parseDuration } from "./units.js";
import { normalizeVolumes } from "./volumes.js";
import { splitShellWords } from "./shell-words.js";

const P = ["p"];

describe("ports", () => {
  it.each([
    [80, [{ mode: "ingress", target: 80, protocol: "tcp" }]],
    ["8080:80", [{ mode: "ingress", target: 80, published: "8080", protocol: "tcp" }]],
    [
      "127.0.0.1:8080:80/udp",
      [{ mode: "ingress", host_ip: "127.0.0.1", target: 80, published: "8080", protocol: "udp" }],
    ],
    ["127.0.0.1::80", [{ mode: "ingress", host_ip: "127.0.0.1", target: 80, protocol: "tcp" }]],
    ["[::1]:80:80", [{ mode: "ingress", host_ip: "::1", target: 80, published: "80", protocol: "tcp" }]],
    ["8000-8010:80", [{ mode: "ingress", target: 80, published: "8000-8010", protocol: "tcp" }]],
  ])("%s", (input, want) => {
    expect(normalizePorts([input], P)).toEqual(want);
  });

  it("expands matching ranges one port each", () => {
    expect(normalizePorts(["8080-8082:80-82"], P).map((p) => `${p.published}->${p.target}`)).toEqual([
      "8080->80",
      "8081->81",
      "8082->82",
    ]);
  });

  it.each(["80:80:80", "x", "0", "70000", "80-79", "80/icmp", "1.2.3:80:80", "8080-8082:80-81"])(
    "rejects %s",
    (input) => {
      expect(() => normalizePorts([input], P)).toThrowError(
        expect.objectContaining({ code: "E_INVALID_VALUE", path: ["p", 0] }),
      );
    },
  );
});

describe("volumes", () => {
  it("tells binds, named and anonymous volumes apart and resolves paths", () => {
    expect(normalizeVolumes(["/anon", "data:/d:ro", "./rel:/r", "../up:/u:rslave"], "/proj", P)).toEqual([
      { type: "volume", target: "/anon" },
      { type: "volume", source: "data", target: "/d", read_only: true },
      { type: "bind", source: "/proj/rel", target: "/r", bind: { create_host_path: true } },
      { type: "bind", source: "/up", target: "/u", bind: { create_host_path: true, propagation: "rslave" } },
    ]);
  });

  it.each(["rel", "a:b", "a:/b:bogus", "a:/b:c:d"])("rejects %s", (input) => {
    expect(() => normalizeVolumes([input], "/proj", P)).toThrowError(
      expect.objectContaining({ code: "E_INVALID_VALUE" }),
    );
  });
});

describe("units", () => {
  it.each([
    ["90s", "1m30s"],
    ["1m30s", "1m30s"],
    ["500ms", "500ms"],
    ["1h", "1h0m0s"],
    ["1.5s", "1.5s"],
    ["0", "0s"],
    ["2h45m", "2h45m0s"],
    ["100us", "100µs"],
  ])("duration %s prints as %s", (input, want) => {
    expect(formatDuration(parseDuration(input, P))).toBe(want);
  });

  it.each(["10", "10 s", "s", "", "1d"])("rejects duration %j", (input) => {
    expect(() => parseDuration(input, P)).toThrowError(/not a valid duration/);
  });

  it.each([
    ["512m", 536870912],
    ["1g", 1073741824],
    ["1.5g", 1610612736],
    ["100kb", 102400],
    ["1024", 1024],
    [2048, 2048],
    ["64MiB", 67108864],
  ])("size %j is %d bytes", (input, want) => {
    expect(parseBytes(input, P)).toBe(want);
  });

  it("parses booleans as Go does and rejects the rest", () => {
    expect(["true", "1", "T", true].map((v) => parseBool(v, P))).toEqual([true, true, true, true]);
    expect(["false", "0", "F", false].map((v) => parseBool(v, P))).toEqual([false, false, false, false]);
    expect(() => parseBool("yes", P)).toThrowError(/not a boolean/);
  });
});

describe("splitShellWords", () => {
  it("splits like a shell without expanding", () => {
    expect(splitShellWords(`sh -c 'echo "a b"' x\\ y "q \\"z\\"" $HOME`, P)).toEqual([
      "sh",
      "-c",
      'echo "a b"',
      "x y",
      'q "z"',
      "$HOME",
    ]);
  });
});
