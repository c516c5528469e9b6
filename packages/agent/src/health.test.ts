import type { ContainerRecord, ExecResult, OciImageConfig } from "@tsc/runtime";
import { describe, expect, it, vi } from "vitest";
import { HealthChecks, HealthMonitor, healthConfigOf } from "./health.js";
import type { HealthStatus } from "./types.js";

/** An exec that answers with the scripted exit codes in turn, recording what it ran. */
function scripted(codes: number[]) {
  const ran: string[][] = [];
  return {
    ran,
    exec: async (_ref: string, o: { args: string[] }): Promise<ExecResult> => {
      ran.push(o.args);
      return { exitCode: codes.shift() ?? 0, stdout: "out", stderr: "" };
    },
  };
}

describe("HealthMonitor", () => {
  it("becomes healthy on the first success and unhealthy after `retries` failures", async () => {
    const rt = scripted([0, 1, 1, 1]);
    const changes: HealthStatus[] = [];
    const m = new HealthMonitor(rt, "c", { test: ["CMD-SHELL", "curl -f localhost"], retries: 3 }, (s) =>
      changes.push(s),
    );
    await m.probe();
    expect(m.state.Status).toBe("healthy");
    await m.probe();
    await m.probe();
    expect(m.state.Status).toBe("healthy");
    expect(m.state.FailingStreak).toBe(2);
    await m.probe();
    m.stop();
    expect(m.state.Status).toBe("unhealthy");
    expect(changes).toEqual(["healthy", "unhealthy"]);
    expect(rt.ran[0]).toEqual(["/bin/sh", "-c", "curl -f localhost"]);
    expect(m.state.Log).toHaveLength(4);
  });

  it("does not count failures inside the start period", async () => {
    const rt = scripted([1, 1, 1, 1]);
    const m = new HealthMonitor(
      rt,
      "c",
      { test: ["CMD", "false"], retries: 1, startPeriodMs: 60_000 },
      () => undefined,
    );
    await m.probe();
    await m.probe();
    m.stop();
    expect(m.state.Status).toBe("starting");
    expect(m.state.FailingStreak).toBe(0);
    expect(rt.ran[0]).toEqual(["false"]);
  });

  it("keeps the last five results", async () => {
    const m = new HealthMonitor(scripted([]), "c", { test: ["CMD", "true"] }, () => undefined);
    for (let i = 0; i < 7; i++) await m.probe();
    m.stop();
    expect(m.state.Log).toHaveLength(5);
  });
});

describe("healthConfigOf", () => {
  const rec = (healthcheck?: OciImageConfig["Healthcheck"]) =>
    ({ id: "c", imageConfig: { Healthcheck: healthcheck } }) as unknown as ContainerRecord;

  it("prefers the container's own check, and NONE turns checks off", () => {
    const own = { test: ["CMD", "true"], retries: 1 };
    expect(healthConfigOf(rec({ Test: ["CMD", "false"] }), own)).toBe(own);
    expect(healthConfigOf(rec({ Test: ["CMD", "false"] }), { test: ["NONE"] })).toBeUndefined();
    expect(healthConfigOf(rec({ Test: ["NONE"] }), undefined)).toBeUndefined();
    expect(healthConfigOf(rec(), undefined)).toBeUndefined();
  });

  it("takes the image's HEALTHCHECK with its nanosecond durations in milliseconds", () => {
    expect(
      healthConfigOf(
        rec({ Test: ["CMD-SHELL", "true"], Interval: 2e9, Timeout: 5e8, Retries: 4, StartPeriod: 1e9 }),
        undefined,
      ),
    ).toEqual({
      test: ["CMD-SHELL", "true"],
      intervalMs: 2000,
      timeoutMs: 500,
      retries: 4,
      startPeriodMs: 1000,
    });
  });
});

describe("HealthChecks", () => {
  it("keeps one monitor per container, reports changes with the container, and stops them", async () => {
    vi.useFakeTimers();
    try {
      const rt = scripted([0, 1]);
      const seen: string[] = [];
      const checks = new HealthChecks(rt, (r, s) => seen.push(`${r.id}:${s}`));
      const c = { id: "c" } as ContainerRecord;
      checks.start(c, { test: ["CMD", "probe"], intervalMs: 1000, retries: 1 });
      expect(checks.stateOf("c")?.Status).toBe("starting");
      await vi.advanceTimersByTimeAsync(1000);
      expect(seen).toEqual(["c:healthy"]);
      // A restart replaces the monitor: the old one probes no more, the new one starts afresh.
      checks.start(c, { test: ["CMD", "probe"], intervalMs: 1000, retries: 1 });
      expect(checks.stateOf("c")?.Status).toBe("starting");
      await vi.advanceTimersByTimeAsync(1000);
      expect(seen).toEqual(["c:healthy", "c:unhealthy"]);
      expect(rt.ran).toHaveLength(2);
      checks.start(c, undefined);
      expect(checks.stateOf("c")).toBeUndefined();
      checks.start({ id: "d" } as ContainerRecord, { test: ["CMD", "probe"], intervalMs: 1000 });
      checks.stopAll();
      await vi.advanceTimersByTimeAsync(5000);
      expect(checks.stateOf("d")).toBeUndefined();
      expect(rt.ran).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
