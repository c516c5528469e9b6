import type { ContainerRuntime } from "@tsc/runtime";
import type { HealthConfig, HealthState, HealthStatus } from "./types.js";

/** Docker's defaults: 30s interval, 30s timeout, 3 retries, no start period, 5s start interval. */
export const HEALTH_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
};

/**
 * Runs a container's healthcheck through exec on its interval and keeps its state as Docker does:
 * `starting` until the first success (failures inside the start period do not count), `unhealthy`
 * after `retries` consecutive failures, the last five results in the log. `onChange` hears status
 * changes (for `health_status` events and depends_on gating).
 */
export class HealthMonitor {
  readonly state: HealthState = { Status: "starting", FailingStreak: 0, Log: [] };
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private stopped = false;

  constructor(
    private readonly containers: Pick<ContainerRuntime, "exec">,
    private readonly id: string,
    private readonly config: HealthConfig,
    private readonly onChange: (status: HealthStatus) => void,
  ) {}

  /** Schedules the first probe. */
  start(): void {
    this.schedule();
  }

  /** Stops probing. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    const c = { ...HEALTH_DEFAULTS, ...this.config };
    const inStart = Date.now() - this.startedAt < c.startPeriodMs;
    const delay = this.state.Status === "starting" && inStart ? c.startIntervalMs : c.intervalMs;
    this.timer = setTimeout(() => void this.probe(), Math.min(delay, c.intervalMs));
    this.timer.unref();
  }

  /** Runs the test once and records the result. */
  async probe(): Promise<void> {
    const c = { ...HEALTH_DEFAULTS, ...this.config };
    const [kind, ...rest] = this.config.test;
    const args = kind === "CMD-SHELL" ? ["/bin/sh", "-c", rest.join(" ")] : rest;
    const start = new Date().toISOString();
    let exitCode: number;
    let output: string;
    try {
      const r = await withTimeout(this.containers.exec(this.id, { args }), c.timeoutMs);
      exitCode = r ? r.exitCode : -1;
      output = r
        ? (r.stdout + r.stderr).slice(0, 4096)
        : `Health check exceeded timeout (${c.timeoutMs / 1000}s)`;
    } catch (e) {
      exitCode = -1;
      output = (e as Error).message;
    }
    if (this.stopped) return;
    this.state.Log.push({ Start: start, End: new Date().toISOString(), ExitCode: exitCode, Output: output });
    if (this.state.Log.length > 5) this.state.Log.shift();
    const before = this.state.Status;
    if (exitCode === 0) {
      this.state.FailingStreak = 0;
      this.state.Status = "healthy";
    } else if (!(this.state.Status === "starting" && Date.now() - this.startedAt < c.startPeriodMs)) {
      this.state.FailingStreak++;
      if (this.state.FailingStreak >= c.retries) this.state.Status = "unhealthy";
    }
    if (this.state.Status !== before) this.onChange(this.state.Status);
    this.schedule();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
