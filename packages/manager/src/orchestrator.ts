import { randomBytes } from "node:crypto";
import type { ChangeFeed } from "@tsc/store";
import { Component, followChanges } from "./component.js";
import type { ServiceSpec, Task, TaskState } from "./objects.js";
import type { ClusterState, StoredService } from "./state.js";
import { createMany, deleteMany, serviceId, taskHash, updateMany } from "./state.js";
import { TaskIndex } from "./task-index.js";
import { isTerminal } from "./task-state.js";

/** Terminal tasks kept per slot (`ps -a` history), as SwarmKit's task history retention. */
export const TASK_HISTORY = 5;

/**
 * A new task for a slot (state NEW; the allocator and scheduler take it from there); `adopts` names
 * the slot's earlier task whose kept container it starts again.
 */
export function newTask(
  svc: StoredService,
  slot: number,
  attempt = 0,
  adopts?: string,
): Task & { attempt: number } {
  return {
    id: randomBytes(12).toString("hex"),
    project: svc.project,
    service: svc.spec.name,
    slot,
    configHash: taskHash(svc),
    desiredState: "running",
    status: { state: "new", timestamp: new Date().toISOString(), message: "created" },
    addresses: {},
    createdAt: new Date().toISOString(),
    attempt,
    ...(adopts !== undefined && { adopts }),
  };
}

type Attempted = Task & { attempt?: number };

/** What one reconciliation pass decided, written as batches at its end. */
interface Plan {
  creates: Task[];
  shutdowns: Set<string>;
  /** Of the shutdowns, the tasks whose node keeps the container (`stop`). */
  keeps: Set<string>;
  /** Kept containers no later task will start (the service changed): their node removes them. */
  releases: Set<string>;
  /** Services whose tasks this pass replaces: their dependents wait for the next pass. */
  recreating: Set<string>;
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

/** `services` with every service after the services it depends on (per project; cycles as they come). */
export function dependencyOrder(services: StoredService[]): StoredService[] {
  const byKey = new Map(services.map((s) => [serviceId(s.project, s.spec.name), s] as const));
  const out: StoredService[] = [];
  const seen = new Set<string>();
  const visit = (s: StoredService): void => {
    const key = serviceId(s.project, s.spec.name);
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of Object.keys(s.spec.dependsOn)) {
      const d = byKey.get(serviceId(s.project, dep));
      if (d) visit(d);
    }
    out.push(s);
  };
  for (const s of services) visit(s);
  return out;
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
    this.byService = new TaskIndex(state.cache.tasks, (t) => serviceId(t.project, t.service));
    this.serviceFeed = state.cache.services.feed();
  }

  /** Every task, by `<project>_<service>`. */
  private readonly byService: TaskIndex;
  private readonly serviceFeed: ChangeFeed;
  /** Services with a restart held back by its delay, to look at again when it has passed. */
  private readonly delayed = new Set<string>();
  private unfinished = false;

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    return [followChanges([this.state.cache.services, this.state.cache.tasks], signal, trigger)];
  }

  protected async reconcile(): Promise<void> {
    await this.state.ready();
    const { cache } = this.state;
    const services = cache.services.values().map((v) => v.value);
    const keyOf = (s: StoredService): string => serviceId(s.project, s.spec.name);
    // Which services to look at: those whose tasks or record changed, those waiting out a restart
    // delay, and (transitively) those depending on any of them; all after a (re)load.
    const { all, changes } = this.byService.update();
    const servicesChanged = this.serviceFeed.drain();
    // A pass that failed (etcd away) drained changes it did not act on: look at everything.
    const afterFailure = this.unfinished;
    this.unfinished = true;
    let dirty: Set<string> | undefined;
    if (!all && servicesChanged !== "all" && !afterFailure) {
      dirty = new Set([...this.delayed, ...servicesChanged]);
      for (const c of changes) dirty.add((c.after ?? c.before)!.key);
      for (let grew = true; grew;) {
        grew = false;
        for (const svc of services)
          if (
            !dirty.has(keyOf(svc)) &&
            Object.keys(svc.spec.dependsOn).some((d) => dirty!.has(serviceId(svc.project, d)))
          ) {
            dirty.add(keyOf(svc));
            grew = true;
          }
      }
    }
    this.delayed.clear();
    const tasksOf = (project: string, service: string): Task[] =>
      this.byService.group(serviceId(project, service));
    const plan: Plan = {
      creates: [],
      shutdowns: new Set(),
      keeps: new Set(),
      releases: new Set(),
      recreating: new Set(),
      deletes: new Set(),
    };
    const now = Date.now();
    const known = new Set(services.map(keyOf));
    for (const svc of dependencyOrder(services))
      if (!dirty || dirty.has(keyOf(svc)))
        this.reconcileService(svc, this.byService.group(keyOf(svc)), services, tasksOf, now, plan);
    // Tasks of services that no longer exist.
    for (const k of dirty ?? this.byService.keys()) {
      if (known.has(k)) continue;
      for (const t of this.byService.group(k)) {
        if (t.desiredState === "running") plan.shutdowns.add(t.id);
        else if (isTerminal(t.status.state) || t.status.state === "new" || t.status.state === "pending")
          plan.deletes.add(t.id);
      }
    }
    const { store, tasks } = this.state;
    // Shutdowns are written first: an agent that sees a slot's new task must also see its old one
    // leaving, or it would try to start a second container under the same name.
    const shutRevision = await updateMany(
      store,
      tasks,
      [...new Set([...plan.shutdowns, ...plan.releases])].flatMap((id) => cache.tasks.get(id) ?? []),
      (t) => {
        if (plan.releases.has(t.id)) return t.keepContainer ? { ...t, keepContainer: false } : undefined;
        if (t.desiredState === "shutdown") return undefined;
        return {
          ...t,
          desiredState: "shutdown" as const,
          ...(plan.keeps.has(t.id) && { keepContainer: true }),
        };
      },
    );
    const revisions = await Promise.all([
      createMany(
        store,
        tasks,
        plan.creates.map((t) => ({ id: t.id, value: t })),
      ),
      deleteMany(store, tasks, [...plan.deletes]),
      shutRevision,
    ]);
    // The next pass must see these writes, or it would fill the same slots again.
    await this.state.cache.tasks.waitFor(Math.max(...revisions));
    this.unfinished = false;
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
      if (plan.recreating.has(serviceId(svc.project, dep))) return false;
      return dependencyMet(d.condition, tasksOf(svc.project, dep), other.spec.replicas);
    });
    const bySlot = new Map<number, Attempted[]>();
    let maxSlot = replicas;
    for (const t of tasks) {
      const list = bySlot.get(t.slot);
      if (list) list.push(t);
      else bySlot.set(t.slot, [t]);
      if (t.slot > maxSlot) maxSlot = t.slot;
    }
    for (let slot = 1; slot <= maxSlot; slot++) {
      const inSlot = (bySlot.get(slot) ?? []).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      const current = inSlot.filter((t) => t.desiredState === "running");
      if (slot > replicas) {
        for (const t of current) plan.shutdowns.add(t.id);
        this.trimHistory(inSlot, 0, plan);
        continue;
      }
      const latest = current.at(-1);
      for (const t of current.slice(0, -1)) plan.shutdowns.add(t.id);
      if (svc.stopped) {
        for (const x of current) {
          plan.shutdowns.add(x.id);
          plan.keeps.add(x.id);
        }
      } else if (!latest) {
        if (depsMet) plan.creates.push(newTask(svc, slot, 0, this.adoptable(inSlot, svc, plan)));
      } else if (latest.configHash !== taskHash(svc)) {
        // Recreated in dependency order: the old container runs on until the dependencies of the
        // new configuration hold (those being recreated in this very pass do not).
        if (depsMet) {
          plan.shutdowns.add(latest.id);
          plan.creates.push(newTask(svc, slot));
          plan.recreating.add(serviceId(svc.project, spec.name));
        }
      } else if (isTerminal(latest.status.state) && this.shouldRestart(svc, latest, now)) {
        plan.shutdowns.add(latest.id);
        plan.creates.push(newTask(svc, slot, (latest.attempt ?? 0) + 1));
      }
      this.trimHistory(inSlot, TASK_HISTORY, plan);
    }
  }

  private shouldRestart(svc: StoredService, t: Attempted, now: number): boolean {
    const p = svc.spec.restartPolicy;
    const state: TaskState = t.status.state;
    if (state === "shutdown" || state === "rejected") return state === "rejected" && p.condition !== "none";
    if (p.condition === "none") return false;
    if (p.condition === "on-failure" && state === "complete" && (t.status.exitCode ?? 0) === 0) return false;
    if (p.maxAttempts > 0 && (t.attempt ?? 0) >= p.maxAttempts) return false;
    if (p.delayMs > 0 && now - Date.parse(t.status.timestamp) < p.delayMs) {
      setTimeout(() => {
        this.delayed.add(serviceId(svc.project, svc.spec.name));
        this.trigger();
      }, p.delayMs).unref();
      return false;
    }
    return true;
  }

  /**
   * The slot's last task, when its node kept its container and a new task of this configuration
   * can start that container again; a kept container of another configuration is released.
   */
  private adoptable(inSlot: Task[], svc: StoredService, plan: Plan): string | undefined {
    const last = inSlot.at(-1);
    if (!last?.keepContainer || last.desiredState !== "shutdown") return undefined;
    if (last.configHash === taskHash(svc) && last.nodeId !== undefined) return last.id;
    plan.releases.add(last.id);
    return undefined;
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
