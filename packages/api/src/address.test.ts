import { describe, expect, it } from "vitest";
import { formatHost, grpcTarget, parseHost } from "./address.js";

describe("parseHost", () => {
  it("reads unix and tcp addresses as docker -H does", () => {
    expect(parseHost("unix:///run/tsc/tscd.sock")).toEqual({ kind: "unix", path: "/run/tsc/tscd.sock" });
    expect(parseHost("/tmp/x.sock")).toEqual({ kind: "unix", path: "/tmp/x.sock" });
    expect(parseHost("tcp://10.0.0.1:2376")).toEqual({ kind: "tcp", host: "10.0.0.1", port: 2376 });
    expect(parseHost(":2376")).toEqual({ kind: "tcp", host: "127.0.0.1", port: 2376 });
    expect(grpcTarget(parseHost("unix:///a/b.sock"))).toBe("unix:///a/b.sock");
    expect(formatHost(parseHost("manager:4000"))).toBe("tcp://manager:4000");
  });

  it("rejects what it cannot use with a hint", () => {
    for (const bad of ["unix://relative", "tcp://host", "tcp://host:99999", "http://x:1/"])
      expect(() => parseHost(bad)).toThrow(
        /invalid host address .*use unix:\/\/\/path\/to\/socket or tcp:\/\/HOST:PORT/,
      );
  });
});
