import { describe, expect, it } from "vitest";
import { normalizePorts } from "./ports.js";

const P = ["services", "web", "ports"];
const tcp = (target: number, extra: Record<string, unknown> = {}) => ({
  mode: "ingress",
  target,
  protocol: "tcp",
  ...extra,
});

describe("normalizePorts short syntax", () => {
  it.each<[string | number, unknown[]]>([
    [80, [tcp(80)]],
    ["80", [tcp(80)]],
    [":80", [tcp(80)]],
    ["8080:80", [tcp(80, { published: "8080" })]],
    ["127.0.0.1:8080:80", [tcp(80, { host_ip: "127.0.0.1", published: "8080" })]],
    ["127.0.0.1::80", [tcp(80, { host_ip: "127.0.0.1" })]],
    ["[::1]:80:80", [tcp(80, { host_ip: "::1", published: "80" })]],
    ["::1:8080:80", [tcp(80, { host_ip: "::1", published: "8080" })]],
    ["[::]::80", [tcp(80, { host_ip: "::" })]],
    ["53:53/udp", [{ mode: "ingress", target: 53, published: "53", protocol: "udp" }]],
    ["9000/SCTP", [{ mode: "ingress", target: 9000, protocol: "sctp" }]],
    ["8000-8010:80", [tcp(80, { published: "8000-8010" })]],
  ])("%j", (input, want) => {
    expect(normalizePorts([input], P)).toEqual(want);
  });

  it("expands matching ranges into one entry per port, host ports paired in order", () => {
    expect(normalizePorts(["127.0.0.1:8080-8082:80-82/udp"], P)).toEqual(
      [0, 1, 2].map((i) => ({
        mode: "ingress",
        host_ip: "127.0.0.1",
        target: 80 + i,
        published: String(8080 + i),
        protocol: "udp",
      })),
    );
  });

  it("expands a container range without host ports", () => {
    expect(normalizePorts(["100-102"], P).map((p) => p.target)).toEqual([100, 101, 102]);
  });

  it("keeps the order of entries and expands each in place", () => {
    const ports = normalizePorts(["1-2", 3], P);
    expect(ports.map((p) => p.target)).toEqual([1, 2, 3]);
  });

  it.each(["80:80:80", "x", "0", "70000", "80-79", "80/icmp", "1.2.3:80:80", "localhost:80:80", "", "8080:"])(
    "rejects %j with the entry's path and the expected syntax",
    (input) => {
      expect(() => normalizePorts(["8080:80", input], P)).toThrowError(
        expect.objectContaining({
          code: "E_INVALID_VALUE",
          path: [...P, 1],
          message: expect.stringContaining(
            `"${input}" is not a valid port mapping (expected [HOST:]CONTAINER[/PROTOCOL]`,
          ),
        }),
      );
    },
  );

  it("rejects ranges of different lengths, saying how many ports each side has", () => {
    expect(() => normalizePorts(["8080-8082:80-81"], P)).toThrowError(
      /maps 3 host ports to 2 container ports/,
    );
  });
});

describe("normalizePorts long syntax", () => {
  it("fills in mode and protocol, and turns numbers and strings into the canonical types", () => {
    expect(
      normalizePorts(
        [
          {
            target: "80",
            published: 8080,
            protocol: "UDP",
            host_ip: "0.0.0.0",
            name: "web",
            app_protocol: "http",
          },
        ],
        P,
      ),
    ).toEqual([
      {
        mode: "ingress",
        target: 80,
        published: "8080",
        protocol: "udp",
        host_ip: "0.0.0.0",
        name: "web",
        app_protocol: "http",
      },
    ]);
  });

  it("keeps mode host, published ranges and x- extensions; an empty published means random", () => {
    expect(normalizePorts([{ target: 80, mode: "host", published: "8000-8001", "x-note": 1 }], P)).toEqual([
      { mode: "host", target: 80, published: "8000-8001", protocol: "tcp", "x-note": 1 },
    ]);
    expect(normalizePorts([{ target: 80, published: "" }], P)).toEqual([tcp(80)]);
  });

  it.each<[Record<string, unknown>, (string | number)[], RegExp]>([
    [{ published: 80 }, [], /needs a target/],
    [{ target: 0 }, ["target"], /out of range/],
    [{ target: "http" }, ["target"], /not an integer/],
    [{ target: 80, protocol: "icmp" }, ["protocol"], /not a port protocol/],
    [{ target: 80, mode: "bridge" }, ["mode"], /not a port mode/],
    [{ target: 80, host_ip: "localhost" }, ["host_ip"], /not an IP address/],
    [{ target: 80, published: "80:80" }, ["published"], /not a valid published port/],
  ])("rejects %j at the field's path", (port, sub, message) => {
    expect(() => normalizePorts([port], P)).toThrowError(
      expect.objectContaining({
        code: "E_INVALID_VALUE",
        path: [...P, 0, ...sub],
        message: expect.stringMatching(message),
      }),
    );
  });
});
