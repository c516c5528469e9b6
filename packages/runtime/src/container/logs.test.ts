import { describe, expect, it } from "vitest";
import { parseK8sLog, utcLogTime } from "./logs.js";

describe("container log lines", () => {
  it("gives times as Docker prints them: UTC, nine fractional digits, Z", () => {
    expect(utcLogTime("2026-12-07T20:39:22.950798661+00:00")).toBe("2026-12-07T20:39:22.950798661Z");
    expect(utcLogTime("2026-12-07T21:39:22.95+01:00")).toBe("2026-12-07T20:39:22.950000000Z");
    expect(utcLogTime("2026-12-07T20:39:22Z")).toBe("2026-12-07T20:39:22.000000000Z");
    expect(utcLogTime("not a time")).toBe("not a time");
  });

  it("joins partial lines per stream and normalizes their times", () => {
    const pending = new Map<string, string>();
    const text = [
      "2026-12-07T20:39:22.000000001+00:00 stdout P hel",
      "2026-12-07T20:39:22.000000002+00:00 stderr F oops",
      "2026-12-07T20:39:22.000000003+00:00 stdout F lo",
      "",
    ].join("\n");
    expect(parseK8sLog(text, pending)).toEqual([
      { time: "2026-12-07T20:39:22.000000002Z", stream: "stderr", line: "oops" },
      { time: "2026-12-07T20:39:22.000000003Z", stream: "stdout", line: "hello" },
    ]);
  });
});
