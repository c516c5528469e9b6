import type { StoredService, Task } from "@tsc/manager";
import type { ComposeEngine, StackView } from "../engine.js";
import type { Progress } from "../progress.js";

/**
 * Whether a task in `state` will never run again (the manager's isTerminal; kept here so the
 * CLI bundle does not load the manager for one list).
 */
export function isFinished(state: string): boolean {
  return ["complete", "failed", "shutdown", "rejected", "orphaned"].includes(state);
}

/** How far a service's current tasks have come. */
export interface Convergence {
  done: boolean;
  failed?: string;
}

/** A task's container name as Compose gives it: `container_name`, else `<project>-<service>-<slot>`. */
export function containerName(project: string, s: StoredService | undefined, t: Task): string {
  return s?.spec.containerName ?? `${project}-${t.service}-${t.slot}`;
}

/** What {@link showTasks} shows and waits for. */
export interface ShowTasksOptions {
  project: string;
  /** Only these services' containers (absent or empty: all). */
  services?: string[];
  progress: Progress;
  /** Wait for healthchecked services to be healthy, not only running (`--wait`). */
  healthy?: boolean;
  /** What ran before the command (see {@link runningBefore}). */
  before?: RunningBefore;
  /** `restart`'s token: tasks asked to restart in place show `Restarting` until they report it. */
  restartToken?: string;
}

/**
 * What ran before a command: its tasks show as `Running` (Compose's line for containers it left
 * alone), and a new task in one of its slots as `Recreate` rather than `Creating`.
 */
export interface RunningBefore {
  tasks: ReadonlySet<string>;
  /** `service/slot` of each running task. */
  slots: ReadonlySet<string>;
}

/** The running tasks of `view`, for {@link ShowTasksOptions.before}. */
export function runningBefore(view: StackView): RunningBefore {
  const running = view.tasks.filter((t) => t.status.state === "running");
  return {
    tasks: new Set(running.map((t) => t.id)),
    slots: new Set(running.map((t) => `${t.service}/${t.slot}`)),
  };
}

/**
 * Shows each current task as a Compose container line (Creating, or Recreate for a slot that ran
 * before, → Starting → Started; Running when it ran before the command); returns whether all are where `healthy`/`started` want them (or
 * have failed), and the first failure.
 */
export function showTasks(view: StackView, opts: ShowTasksOptions): Convergence {
  const { project, services, progress, healthy = false, before, restartToken } = opts;
  let done = true;
  let failed: string | undefined;
  // `--wait` gives up at the first unhealthy container, as Compose does, without waiting for the rest.
  let unhealthy = false;
  const creating = (t: Task): string =>
    before?.slots.has(`${t.service}/${t.slot}`) ? "Recreate" : "Creating";
  for (const s of view.services) {
    if (services?.length && !services.includes(s.spec.name)) continue;
    const want = s.stopped ? 0 : s.spec.replicas;
    const current = view.tasks.filter(
      (t) => t.service === s.spec.name && t.desiredState === "running" && t.slot <= want,
    );
    if (current.length < want) done = false;
    for (const t of current) {
      const name = containerName(project, s, t);
      const st = t.status.state;
      // (A daemon from before taskHash has none: its tasks are taken as they are.)
      if (s.taskHash !== undefined && t.configHash !== s.taskHash) {
        // Still the old configuration: its replacement waits (for its dependencies, as a rule).
        progress.set("Container", name, "Recreate");
        done = false;
      } else if (st === "running" && restartToken && t.restartToken === restartToken) {
        const restarted = t.status.restartToken === restartToken;
        progress.set("Container", name, restarted ? "Started" : "Restarting", { done: restarted });
        if (!restarted) done = false;
      } else if (st === "running") {
        const h = t.status.health;
        if (healthy && s.spec.healthcheck && s.spec.healthcheck.test[0] !== "NONE") {
          if (h === "healthy") progress.set("Container", name, "Healthy", { done: true });
          else if (h === "unhealthy") {
            progress.set("Container", name, "Unhealthy", { done: true, error: true });
            failed ??= `container ${name} is unhealthy`;
            unhealthy = true;
          } else {
            progress.set("Container", name, "Waiting");
            done = false;
          }
        } else
          progress.set("Container", name, before?.tasks.has(t.id) ? "Running" : "Started", { done: true });
      } else if (st === "complete") progress.set("Container", name, "Exited", { done: true });
      else if (st === "failed" || st === "rejected" || st === "orphaned") {
        progress.set("Container", name, "Error", { done: true, error: true });
        if (s.spec.restartPolicy.condition === "none" || st === "rejected")
          failed ??= `container ${name}: ${t.status.err ?? t.status.message}`;
        else done = false;
      } else if (st === "new" || st === "pending") {
        if (t.unsatisfiable) {
          // Only other nodes could take it: say so instead of waiting for them.
          progress.set("Container", name, `Pending: ${t.unschedulable}`, { done: true, error: true });
          failed ??= `container ${name} cannot be placed: ${t.unschedulable}`;
        } else {
          progress.set("Container", name, t.unschedulable ? `Pending: ${t.unschedulable}` : creating(t));
          done = false;
        }
      } else {
        progress.set("Container", name, st === "starting" ? "Starting" : creating(t));
        done = false;
      }
    }
  }
  // A failure is reported once the other containers have settled too, as Compose's parallel start does.
  return failed ? { done: done || unhealthy, failed } : { done };
}

/**
 * Follows the stack until `converged` says so or `timeoutMs` passes; returns the last verdict. Each
 * view after the first is a long poll: the engine answers when the tasks change after the revision
 * of the previous view (or after a second), so a converged stack shows as soon as it lands.
 */
export async function waitFor(
  engine: ComposeEngine,
  project: string,
  converged: (view: StackView) => Convergence,
  timeoutMs: number,
  all = false,
): Promise<Convergence & { timedOut?: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let revision = 0;
  for (;;) {
    const view = await engine.view(project, all, revision);
    const verdict = converged(view);
    if (verdict.done) return verdict;
    if (Date.now() > deadline) return { ...verdict, timedOut: true };
    revision = view.revision ?? 0;
    // An engine without the revision (an older one) is polled.
    if (!revision) await new Promise((r) => setTimeout(r, 50));
  }
}
