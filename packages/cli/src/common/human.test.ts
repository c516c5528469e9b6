import { describe, expect, it } from "vitest";
import {
  bytesSize,
  containerStatusText,
  formatPorts,
  humanDuration,
  humanSize,
  parseBytes,
  quoteCommand,
  shortId,
  timeAgo,
  truncate,
} from "./human.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MONTH = 30 * DAY;
const YEAR = 365 * DAY;

describe("humanDuration", () => {
  it.each([
    [450, "Less than a second"],
    [-5 * SECOND, "Less than a second"],
    [1 * SECOND, "1 second"],
    [45 * SECOND, "45 seconds"],
    [59 * SECOND, "59 seconds"],
    [60 * SECOND, "About a minute"],
    [119 * SECOND, "About a minute"],
    [3 * MINUTE, "3 minutes"],
    [35 * MINUTE + 40 * SECOND, "35 minutes"],
    [59 * MINUTE, "59 minutes"],
    [1 * HOUR, "About an hour"],
    [1 * HOUR + 29 * MINUTE, "About an hour"],
    [1 * HOUR + 31 * MINUTE, "2 hours"],
    [3 * HOUR + 31 * MINUTE, "4 hours"],
    [24 * HOUR, "24 hours"],
    [DAY + 12 * HOUR, "36 hours"],
    [2 * DAY, "2 days"],
    [13 * DAY + 5 * HOUR, "13 days"],
    [2 * WEEK, "2 weeks"],
    [4 * WEEK + 3 * DAY, "4 weeks"],
    [MONTH + 2 * WEEK, "6 weeks"],
    [2 * MONTH, "2 months"],
    [5 * MONTH + 2 * WEEK, "5 months"],
    [24 * MONTH, "24 months"],
    [24 * MONTH + 2 * WEEK, "2 years"],
    [3 * YEAR + 2 * MONTH, "3 years"],
  ])("%d ms → %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("timeAgo", () => {
  it("describes an ISO timestamp relative to now", () => {
    const now = Date.parse("2024-05-01T12:00:00Z");
    expect(timeAgo("2024-05-01T11:55:00.123456789Z", now)).toBe("4 minutes ago");
    expect(timeAgo("2024-04-28T12:00:00Z", now)).toBe("3 days ago");
  });
});

describe("containerStatusText", () => {
  const now = Date.parse("2024-05-01T12:00:00Z");
  const zero = "0001-01-01T00:00:00Z";
  it("renders each state as docker ps does", () => {
    expect(
      containerStatusText({ status: "created", startedAt: zero, finishedAt: zero, exitCode: 0 }, now),
    ).toBe("Created");
    const startedAt = "2024-05-01T11:59:57Z";
    expect(containerStatusText({ status: "running", startedAt, exitCode: 0 }, now)).toBe("Up 3 seconds");
    expect(containerStatusText({ status: "paused", startedAt, exitCode: 0, health: "healthy" }, now)).toBe(
      "Up 3 seconds (Paused)",
    );
    expect(
      containerStatusText(
        { status: "running", startedAt: "2024-05-01T11:58:00Z", exitCode: 0, health: "healthy" },
        now,
      ),
    ).toBe("Up 2 minutes (healthy)");
    expect(
      containerStatusText(
        { status: "running", startedAt: "2024-05-01T11:59:55Z", exitCode: 0, health: "starting" },
        now,
      ),
    ).toBe("Up 5 seconds (health: starting)");
    expect(containerStatusText({ status: "running", startedAt, exitCode: 0, health: "unhealthy" }, now)).toBe(
      "Up 3 seconds (unhealthy)",
    );
    expect(
      containerStatusText(
        { status: "restarting", startedAt, finishedAt: "2024-05-01T11:59:58Z", exitCode: 1 },
        now,
      ),
    ).toBe("Restarting (1) 2 seconds ago");
    expect(
      containerStatusText(
        { status: "exited", startedAt, finishedAt: "2024-05-01T11:55:00Z", exitCode: 0 },
        now,
      ),
    ).toBe("Exited (0) 5 minutes ago");
    expect(
      containerStatusText(
        { status: "exited", startedAt, finishedAt: "2024-04-30T09:00:00Z", exitCode: 137 },
        now,
      ),
    ).toBe("Exited (137) 27 hours ago");
    expect(containerStatusText({ status: "dead", startedAt, finishedAt: startedAt, exitCode: 0 }, now)).toBe(
      "Dead",
    );
  });
});

describe("humanSize", () => {
  it.each([
    [0, "0B"],
    [999, "999B"],
    [1000, "1kB"],
    [1234, "1.23kB"],
    [1125, "1.12kB"], // exact tie: Go rounds half to even
    [1375, "1.38kB"],
    [7_050_000, "7.05MB"],
    [133_000_000, "133MB"],
    [1.2e9, "1.2GB"],
    [999_999, "1e+03kB"], // Go's %.3g switches to an exponent here
    [5.372e12, "5.37TB"],
    [2.22e15, "2.22PB"],
  ])("%d → %s", (bytes, text) => {
    expect(humanSize(bytes)).toBe(text);
  });
});

describe("bytesSize", () => {
  it.each([
    [0, "0B"],
    [1023, "1023B"],
    [1024, "1KiB"],
    [1025, "1.001KiB"],
    [512 * 1024, "512KiB"],
    [1.5 * 1024 * 1024, "1.5MiB"],
    [3.42 * 1024 ** 3, "3.42GiB"],
    [5.372 * 1024 ** 4, "5.372TiB"],
  ])("%d → %s", (bytes, text) => {
    expect(bytesSize(bytes)).toBe(text);
  });
});

describe("parseBytes", () => {
  it.each([
    ["1024", 1024],
    ["32b", 32],
    ["32B", 32],
    ["100k", 100 * 1024],
    ["32Kb", 32 * 1024],
    ["512m", 512 * 1024 ** 2],
    ["512MiB", 512 * 1024 ** 2],
    ["1g", 1024 ** 3],
    ["1.5G", 1.5 * 1024 ** 3],
    ["32.3", 32],
    ["32.3 mb", Math.trunc(32.3 * 1024 ** 2)],
    ["2t", 2 * 1024 ** 4],
  ])("%s → %d", (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(["", "hello", "-32", " 32 ", "32m b", "32bm", "32kk", "32mibs", "."])("rejects %j", (text) => {
    expect(() => parseBytes(text)).toThrow(`invalid size: '${text}'`);
  });
});

describe("shortId", () => {
  it("keeps 12 characters after any digest prefix", () => {
    const hex = "4e0ad3a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d";
    expect(shortId(hex)).toBe("4e0ad3a1b2c3");
    expect(shortId(`sha256:${hex}`)).toBe("4e0ad3a1b2c3");
    expect(shortId("abc")).toBe("abc");
  });
});

describe("formatPorts", () => {
  it.each([
    [[], ""],
    [[{ privatePort: 9988, type: "tcp" }], "9988/tcp"],
    [[{ privatePort: 9988, publicPort: 8899, type: "tcp" }], "9988/tcp"],
    [[{ ip: "4.3.2.1", privatePort: 9988, publicPort: 8899, type: "tcp" }], "4.3.2.1:8899->9988/tcp"],
    [[{ ip: "4.3.2.1", privatePort: 9988, publicPort: 9988, type: "tcp" }], "4.3.2.1:9988->9988/tcp"],
    [[{ ip: "::", privatePort: 80, publicPort: 8080, type: "tcp" }], "[::]:8080->80/tcp"],
    [
      [
        { ip: "0.0.0.0", privatePort: 80, publicPort: 8080, type: "tcp" },
        { privatePort: 443, type: "tcp" },
      ],
      "443/tcp, 0.0.0.0:8080->80/tcp",
    ],
    [
      [
        { ip: "::", privatePort: 80, publicPort: 8080, type: "tcp" },
        { ip: "0.0.0.0", privatePort: 80, publicPort: 8080, type: "tcp" },
      ],
      "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp",
    ],
    [
      [
        { privatePort: 9999, type: "udp" },
        { privatePort: 9998, type: "udp" },
      ],
      "9998-9999/udp",
    ],
    [
      [
        { ip: "0.0.0.0", privatePort: 8001, publicPort: 8001, type: "tcp" },
        { ip: "0.0.0.0", privatePort: 8000, publicPort: 8000, type: "tcp" },
      ],
      "0.0.0.0:8000-8001->8000-8001/tcp",
    ],
    [
      [
        { privatePort: 9988, publicPort: 8899, type: "udp" },
        { ip: "1.2.3.4", privatePort: 6677, publicPort: 7766, type: "tcp" },
        { ip: "4.3.2.1", privatePort: 2233, publicPort: 3322, type: "tcp" },
      ],
      "9988/udp, 4.3.2.1:3322->2233/tcp, 1.2.3.4:7766->6677/tcp",
    ],
  ] as const)("%j → %s", (ports, text) => {
    expect(formatPorts(ports.map((p) => ({ ...p })))).toBe(text);
  });
});

describe("truncate", () => {
  it("cuts to n characters including the ellipsis", () => {
    expect(truncate("docker-entrypoint.sh postgres", 20)).toBe("docker-entrypoint.s…");
    expect(truncate("nginx -g 'daemon off;'", 22)).toBe("nginx -g 'daemon off;'");
    expect(truncate("héllo wörld", 5)).toBe("héll…");
    expect(truncate("abc", 1)).toBe("a");
    expect(truncate("abc", 0)).toBe("");
  });
});

describe("quoteCommand", () => {
  it("quotes the joined command and truncates it unless asked not to", () => {
    expect(quoteCommand(["nc", "-l", "-p", "1234"], false)).toBe('"nc -l -p 1234"');
    expect(quoteCommand(["docker-entrypoint.sh", "postgres"], false)).toBe('"docker-entrypoint.s…"');
    expect(quoteCommand(["docker-entrypoint.sh", "postgres"], true)).toBe('"docker-entrypoint.sh postgres"');
    expect(quoteCommand(["sh", "-c", 'echo "hi"\tthere'], true)).toBe('"sh -c echo \\"hi\\"\\tthere"');
  });
});
