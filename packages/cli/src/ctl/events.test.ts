import { describe, expect, it } from "vitest";
import { eventTime } from "./system.js";

describe("eventTime (docker events' first column)", () => {
  it("prints RFC 3339 with nine fractional digits, zeros below the millisecond the daemon knows", () => {
    // 1796675424638 ms as the daemon sends it: not exact as a JS number of nanoseconds.
    expect(eventTime(1796675424638 * 1e6)).toBe("2026-12-07T20:30:24.638000000Z");
    expect(eventTime(0)).toBe("1970-01-01T00:00:00.000000000Z");
  });
});
