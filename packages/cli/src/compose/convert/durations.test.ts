import { describe, expect, it } from "vitest";
import { durationMs, durationSeconds, parseDurationMs } from "./durations.js";

describe("Go durations", () => {
  it("parses compound and fractional durations", () => {
    expect(parseDurationMs("1m30s")).toBe(90_000);
    expect(parseDurationMs("1.5h")).toBe(5_400_000);
    expect(parseDurationMs("300ms")).toBe(300);
    expect(parseDurationMs("1500us")).toBe(1.5);
    expect(parseDurationMs("-2s")).toBe(-2000);
    expect(parseDurationMs("0")).toBe(0);
    expect(durationMs("2500000ns")).toBe(3);
  });

  it("truncates to whole seconds as Compose does", () => {
    expect(durationSeconds("1m30s")).toBe(90);
    expect(durationSeconds("1500ms")).toBe(1);
  });

  it("rejects what Go rejects", () => {
    for (const bad of ["", "10", "1d", "s", "1m 30s", "-"])
      expect(() => parseDurationMs(bad)).toThrow(/invalid/);
  });
});
