import type { ExecResult } from "@tsc/runtime";
import { describe, expect, it } from "vitest";
import { HealthMonitor } from "./health.js";
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
