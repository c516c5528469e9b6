import { describe, expect, it } from "vitest";
import {
  formatDuration,
  formatDurationNs,
  normalizeDuration,
  parseDuration,
  parseDurationNs,
} from "./durations.js";

const P = ["services", "web", "healthcheck", "interval"];

describe("durations", () => {
  it.each([
    ["90s", "1m30s"],
    ["1m30s", "1m30s"],
    ["500ms", "500ms"],
    ["1h", "1h0m0s"],
    ["2h45m", "2h45m0s"],
    ["1.5s", "1.5s"],
    ["1.5h", "1h30m0s"],
    [".5s", "500ms"],
    ["0", "0s"],
    ["0s", "0s"],
    ["100us", "100µs"],
    ["1500us", "1.5ms"],
    ["250ns", "250ns"],
    ["1d", "24h0m0s"],
    ["1w2d", "216h0m0s"],
    ["-2s", "-2s"],
    ["1m0.000000001s", "1m0.000000001s"],
    [" 10s ", "10s"],
  ])("%j prints as %j, as Go's time.Duration does", (input, want) => {
    expect(normalizeDuration(input, P)).toBe(want);
  });

  it("parses into milliseconds and nanoseconds", () => {
    expect(parseDuration("1m30s", P)).toBe(90_000);
    expect(parseDuration("250us", P)).toBe(0.25);
    expect(parseDurationNs("1.5ms", P)).toBe(1_500_000n);
  });

  it("formats milliseconds and nanoseconds", () => {
    expect(formatDuration(90_000)).toBe("1m30s");
    expect(formatDuration(0.5)).toBe("500µs");
    expect(formatDurationNs(3_600_000_000_001n)).toBe("1h0m0.000000001s");
  });

  it.each([
    ["10", /missing unit/],
    ["10 s", /bad syntax/],
    ["s", /bad syntax/],
    ["", /empty/],
    ["1y", /bad syntax/],
    [".s", /bad syntax/],
    ["100000000h", /too long/],
  ])("rejects %j with the path and a hint", (input, why) => {
    expect(() => parseDuration(input, P)).toThrowError(
      expect.objectContaining({
        code: "E_INVALID_VALUE",
        path: P,
        message: expect.stringMatching(why),
        hint: expect.stringContaining("1m30s"),
      }),
    );
  });
});
