import { invalidArgument } from "@tsc/core";
import type { ContainerRecord, RestartPolicy } from "./types.js";

/** First back-off between restarts; it doubles per restart up to `MAX_BACKOFF_MS`. */
export const INITIAL_BACKOFF_MS = 100;
/** The longest wait between two restarts. */
export const MAX_BACKOFF_MS = 60_000;
/** A container that ran at least this long resets the back-off, as Docker does. */
export const RESET_AFTER_MS = 10_000;

/** Parses `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function parseRestartPolicy(text: string): RestartPolicy {
  const m = /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(text);
  if (!m || (m[2] !== undefined && m[1] !== "on-failure"))
    throw invalidArgument(`invalid restart policy ${JSON.stringify(text)}`, {
      hint: "use no, always, unless-stopped or on-failure[:max-retries]",
    });
  return {
    name: m[1] as RestartPolicy["name"],
    ...(m[2] !== undefined ? { maximumRetryCount: Number(m[2]) } : {}),
  };
}

/** Whether an exited container should be started again under its policy. */
export function shouldRestart(c: ContainerRecord): boolean {
  const p = c.spec.restartPolicy ?? { name: "no" };
  if (c.manuallyStopped) return false;
  switch (p.name) {
    case "no":
      return false;
    case "always":
    case "unless-stopped":
      return true;
    case "on-failure":
      return c.exitCode !== 0 && (!p.maximumRetryCount || c.restartCount < p.maximumRetryCount);
  }
}

/** The wait before the next restart: doubling from 100 ms, capped, reset after a long enough run. */
export function restartDelay(restartCount: number, ranForMs: number): number {
  if (ranForMs >= RESET_AFTER_MS) return INITIAL_BACKOFF_MS;
  return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.min(restartCount, 20));
}
