import type { ContainerRecord, ContainerRuntime } from "@tsc/runtime";
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

/**
 * The check a container runs: its own (from `run --health-*` or compose; `NONE` turns it off), else
 * its image's HEALTHCHECK (durations in nanoseconds there), else none.
 */
export function healthConfigOf(
  rec: ContainerRecord,
  own: HealthConfig | undefined,
): HealthConfig | undefined {
  if (own) return own.test[0] === "NONE" ? undefined : own;
  const img = rec.imageConfig.Healthcheck;
  if (!img?.Test?.length || img.Test[0] === "NONE") return undefined;
  const ms = (ns?: number) => (ns ? ns / 1_000_000 : undefined);
  return {
    test: img.Test,
    intervalMs: ms(img.Interval),
    timeoutMs: ms(img.Timeout),
    retries: img.Retries,
    startPeriodMs: ms(img.StartPeriod),
  };
}

/**
 * The health monitors of one host: one per running container that has a check, started when the
 * container starts and stopped when it dies or goes. `onChange` hears every status change.
 */
export class HealthChecks {
  private readonly monitors = new Map<string, HealthMonitor>();

  constructor(
    private readonly containers: Pick<ContainerRuntime, "exec">,
    private readonly onChange: (rec: ContainerRecord, status: HealthStatus) => void,
  ) {}

  /** (Re)starts probing `rec` with `config`; a container without a check only loses its old monitor. */
  start(rec: ContainerRecord, config: HealthConfig | undefined): void {
    this.stop(rec.id);
    if (!config) return;
    const mon = new HealthMonitor(this.containers, rec.id, config, (status) => this.onChange(rec, status));
    this.monitors.set(rec.id, mon);
    mon.start();
  }

  /** Stops probing container `id` (nothing if it has no monitor). */
  stop(id: string): void {
    this.monitors.get(id)?.stop();
    this.monitors.delete(id);
  }

  /** Container `id`'s health, when it is being checked. */
  stateOf(id: string): HealthState | undefined {
    return this.monitors.get(id)?.state;
  }

  /** Stops every monitor. */
  stopAll(): void {
    for (const id of [...this.monitors.keys()]) this.stop(id);
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
