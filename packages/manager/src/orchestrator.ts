import { randomBytes } from "node:crypto";
import type { Watchable } from "./component.js";
import { Component, followWatch } from "./component.js";
import type { ServiceSpec, Task, TaskState } from "./objects.js";
import type { ClusterState, StoredService } from "./state.js";
import { createMany, deleteMany, updateMany } from "./state.js";
import { isTerminal } from "./task-state.js";

/** Terminal tasks kept per slot (`ps -a` history), as SwarmKit's task history retention. */
export const TASK_HISTORY = 5;

/** A new task for a slot (state NEW; the allocator and scheduler take it from there). */
export function newTask(svc: StoredService, slot: number, attempt = 0): Task & { attempt: number } {
  return {
    id: randomBytes(12).toString("hex"),
    project: svc.project,
    service: svc.spec.name,
    slot,
    configHash: svc.spec.configHash,
    desiredState: "running",
    status: { state: "new", timestamp: new Date().toISOString(), message: "created" },
    addresses: {},
    createdAt: new Date().toISOString(),
    attempt,
  };
}

type Attempted = Task & { attempt?: number };

/** What one reconciliation pass decided, written as batches at its end. */
interface Plan {
  creates: Task[];
  shutdowns: Set<string>;
  deletes: Set<string>;
}

/** Whether the dependency condition of `dep` holds, from its tasks. */
function dependencyMet(
  condition: ServiceSpec["dependsOn"][string]["condition"],
  tasks: Task[],
  replicas: number,
): boolean {
  const current = tasks.filter((t) => t.desiredState === "running");
  if (condition === "service_completed_successfully")
    return (
      tasks.some((t) => t.status.state === "complete" && (t.status.exitCode ?? 0) === 0) &&
      !current.some((t) => !isTerminal(t.status.state))
    );
  const running = current.filter((t) => t.status.state === "running");
  if (running.length < Math.min(1, replicas)) return false;
  return condition === "service_healthy"
    ? running.every((t) => t.status.health === "healthy" || t.status.health === undefined) &&
        running.some((t) => t.status.health === "healthy")
    : true;
}

/**
 * The orchestrator: keeps every replicated service at its replica count, one task per slot.
 * A slot whose task ended is refilled per the service's restart policy (a new task, the same
 * slot); a slot whose task runs an old configuration gets a new task and the old one is shut
 * down; slots above the count are shut down; tasks of removed services are shut down and, once
 * terminal, deleted. New slots of a service wait until its depends_on conditions hold.
 */
export class Orchestrator extends Component {
  constructor(
    private readonly state: ClusterState,
    log: (line: string) => void,
  ) {
    super("orchestrator", log);
  }

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    const follow = (c: Watchable) => followWatch(c, signal, trigger);
    return [follow(this.state.services), follow(this.state.tasks)];
  }

  protected async reconcile(): Promise<void> {
    const services = (await this.state.services.list()).items.map((v) => v.value);
    const listed = (await this.state.tasks.list()).items;
    const tasks = listed.map((v) => v.value as Attempted);
    const byService = new Map<string, Attempted[]>();
    for (const t of tasks) {
      const k = `${t.project}_${t.service}`;
      byService.set(k, [...(byService.get(k) ?? []), t]);
    }
    const plan: Plan = { creates: [], shutdowns: new Set(), deletes: new Set() };
    const now = Date.now();
    const tasksOf = byServiceOf(tasks);
    for (const svc of services) {
      const mine = byService.get(`${svc.project}_${svc.spec.name}`) ?? [];
      byService.delete(`${svc.project}_${svc.spec.name}`);
      this.reconcileService(svc, mine, services, tasksOf, now, plan);
    }
    // Tasks of services that no longer exist.
    for (const rest of byService.values())
      for (const t of rest) {
        if (t.desiredState === "running") plan.shutdowns.add(t.id);
        else if (isTerminal(t.status.state) || t.status.state === "new" || t.status.state === "pending")
          plan.deletes.add(t.id);
      }
    const store = this.state.store;
    await createMany(
      store,
      this.state.tasks,
      plan.creates.map((t) => ({ id: t.id, value: t })),
    );
    await updateMany(
      store,
      this.state.tasks,
      listed.filter((v) => plan.shutdowns.has(v.id)),
      (t) => (t.desiredState === "shutdown" ? undefined : { ...t, desiredState: "shutdown" as const }),
    );
    await deleteMany(store, this.state.tasks, [...plan.deletes]);
  }

  private reconcileService(
    svc: StoredService,
    tasks: Attempted[],
    all: StoredService[],
    tasksOf: (project: string, service: string) => Task[],
    now: number,
    plan: Plan,
  ): void {
    const spec = svc.spec;
    const replicas = spec.mode === "replicated" ? spec.replicas : 1;
    const depsMet = Object.entries(spec.dependsOn).every(([dep, d]) => {
      const other = all.find((s) => s.project === svc.project && s.spec.name === dep);
      if (!other) return !d.required;
      return dependencyMet(d.condition, tasksOf(svc.project, dep), other.spec.replicas);
    });
    for (let slot = 1; slot <= Math.max(replicas, ...tasks.map((t) => t.slot)); slot++) {
      const inSlot = tasks
        .filter((t) => t.slot === slot)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const current = inSlot.filter((t) => t.desiredState === "running");
      if (slot > replicas) {
        for (const t of current) plan.shutdowns.add(t.id);
        this.trimHistory(inSlot, 0, plan);
        continue;
      }
      const latest = current.at(-1);
      for (const t of current.slice(0, -1)) plan.shutdowns.add(t.id);
      if (svc.stopped) {
        for (const x of current) plan.shutdowns.add(x.id);
      } else if (!latest) {
        if (depsMet) {
          plan.creates.push(newTask(svc, slot));
        }
      } else if (latest.configHash !== spec.configHash) {
        plan.shutdowns.add(latest.id);
        plan.creates.push(newTask(svc, slot));
      } else if (isTerminal(latest.status.state) && this.shouldRestart(spec, latest, now)) {
        plan.shutdowns.add(latest.id);
        plan.creates.push(newTask(svc, slot, (latest.attempt ?? 0) + 1));
      }
      this.trimHistory(inSlot, TASK_HISTORY, plan);
    }
  }

  private shouldRestart(spec: ServiceSpec, t: Attempted, now: number): boolean {
    const p = spec.restartPolicy;
    const state: TaskState = t.status.state;
    if (state === "shutdown" || state === "rejected") return state === "rejected" && p.condition !== "none";
    if (p.condition === "none") return false;
    if (p.condition === "on-failure" && state === "complete" && (t.status.exitCode ?? 0) === 0) return false;
    if (p.maxAttempts > 0 && (t.attempt ?? 0) >= p.maxAttempts) return false;
    if (p.delayMs > 0 && now - Date.parse(t.status.timestamp) < p.delayMs) {
      setTimeout(() => this.trigger(), p.delayMs).unref();
      return false;
    }
    return true;
  }

  /** Deletes the oldest terminal, shut-down tasks of a slot beyond `keep`. */
  private trimHistory(inSlot: Task[], keep: number, plan: Plan): void {
    const done = inSlot.filter(
      (t) =>
        t.desiredState === "shutdown" &&
        (isTerminal(t.status.state) || t.status.state === "new" || t.status.state === "pending"),
    );
    for (const t of done.slice(0, Math.max(0, done.length - keep))) plan.deletes.add(t.id);
  }
}

function byServiceOf(tasks: Task[]): (project: string, service: string) => Task[] {
  return (project, service) => tasks.filter((t) => t.project === project && t.service === service);
}
