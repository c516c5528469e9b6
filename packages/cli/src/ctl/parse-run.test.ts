import { describe, expect, it } from "vitest";
import type { RunFlags } from "./parse-run.js";
import { buildCreateOptions, parseDuration, parseMount, parsePublish, parseVolume } from "./parse-run.js";

describe("run flags", () => {
  it("parses -p as Docker does", () => {
    expect(parsePublish("8080:80")).toEqual([{ containerPort: 80, hostPort: 8080, protocol: "tcp" }]);
    expect(parsePublish("127.0.0.1:53:53/udp")).toEqual([
      { containerPort: 53, hostPort: 53, protocol: "udp", hostIp: "127.0.0.1" },
    ]);
    expect(parsePublish("80")).toEqual([{ containerPort: 80, hostPort: 0, protocol: "tcp" }]);
    expect(parsePublish("8000-8001:9000-9001").map((p) => `${p.hostPort}->${p.containerPort}`)).toEqual([
      "8000->9000",
      "8001->9001",
    ]);
    expect(() => parsePublish("http")).toThrow(
      /invalid publish spec "http".*\[IP:\]\[HOST_PORT:\]CONTAINER_PORT/,
    );
    expect(() => parsePublish("8000-8002:9000-9001")).toThrow(/invalid ranges/);
  });

  it("tells binds, named and anonymous volumes apart", () => {
    const mounts: never[] = [];
    const volumes: never[] = [];
    parseVolume("/srv/www:/www:ro", mounts, volumes);
    parseVolume("data:/data", mounts, volumes);
    parseVolume("/scratch", mounts, volumes);
    // A -v bind creates its missing host directory; a --mount bind does not.
    expect(mounts).toEqual([
      { type: "bind", source: "/srv/www", target: "/www", readOnly: true, createSource: true },
    ]);
    expect(volumes).toEqual([
      { name: "data", target: "/data", readOnly: false },
      { target: "/scratch", readOnly: false },
    ]);
    expect(() => parseVolume("data:relative", mounts, volumes)).toThrow(/container path must be absolute/);
    expect(() => parseVolume("/a:/b:rx", mounts, volumes)).toThrow(/invalid mode "rx"/);
  });

  it("parses --mount", () => {
    const mounts: never[] = [];
    const volumes: never[] = [];
    parseMount("type=bind,source=/etc,target=/host-etc,readonly", mounts, volumes);
    parseMount("type=tmpfs,destination=/cache,tmpfs-size=64m", mounts, volumes);
    parseMount("source=vol,target=/v", mounts, volumes);
    expect(mounts).toEqual([
      { type: "bind", source: "/etc", target: "/host-etc", readOnly: true },
      { type: "tmpfs", target: "/cache", options: ["size=64m"] },
    ]);
    expect(volumes).toEqual([{ name: "vol", target: "/v", readOnly: false }]);
    expect(() => parseMount("type=nfs,target=/x", mounts, volumes)).toThrow(/invalid mount type "nfs"/);
  });

  it("parses Go durations", () => {
    expect(parseDuration("30s", "--health-interval")).toBe(30_000);
    expect(parseDuration("1m30s", "--x")).toBe(90_000);
    expect(parseDuration("500ms", "--x")).toBe(500);
    expect(() => parseDuration("5 minutes", "--health-timeout")).toThrow(
      /invalid argument "5 minutes" for "--health-timeout" flag/,
    );
  });

  it("builds the create options of the walkthrough's run", () => {
    const flags: RunFlags = {
      detach: true,
      interactive: true,
      publish: ["1234:1234"],
      name: "daemon",
      restart: "on-failure:10",
      env: ["A=1"],
      memory: "64m",
      healthCmd: "true",
      healthInterval: "2s",
      network: "bridge",
    };
    const o = buildCreateOptions(flags, "busybox", ["nc", "-l", "-p", "1234"]);
    expect(o).toMatchObject({
      image: "busybox",
      name: "daemon",
      cmd: ["nc", "-l", "-p", "1234"],
      env: ["A=1"],
      memory: 64 * 1024 * 1024,
      restart: "on-failure:10",
      networkMode: "bridge",
      ports: [{ containerPort: 1234, hostPort: 1234, protocol: "tcp" }],
      healthcheck: { test: ["CMD-SHELL", "true"], intervalMs: 2000 },
      openStdin: true,
      pull: "missing",
    });
    expect(o.tty).toBeUndefined();
    expect(buildCreateOptions({ tty: true }, "busybox", [])).toMatchObject({ tty: true });
    expect(buildCreateOptions({ entrypoint: "" }, "busybox", []).entrypoint).toEqual([]);
    expect(buildCreateOptions({ noHealthcheck: true }, "busybox", []).healthcheck).toEqual({
      test: ["NONE"],
    });
  });
});
