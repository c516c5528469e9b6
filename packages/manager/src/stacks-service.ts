import { randomUUID } from "node:crypto";
import type { ServiceImpl } from "@tsc/api";
import { invalidArgument, notFound, unavailable } from "@tsc/core";
import type { ServiceSpec, StackSpec, Task } from "./objects.js";
import type { ClusterState, ServiceView, StoredService } from "./state.js";
import { deleteMany, serviceId, taskHash, updateMany, upsertMany } from "./state.js";
import { isTerminal } from "./task-state.js";

interface DeployRequest {
  stackJson: string;
  forceRecreate: boolean;
  noRecreate: boolean;
  removeOrphans: boolean;
  services: string[];
  stopped: boolean;
}

/**
 * Gives the live tasks of `project` (of `services`, or all) the stop timeout a user asked for, before
 * they are shut down: the orchestrator keeps it when it shuts them down, and agents stop with it.
 */
async function setStopTimeout(
  state: ClusterState,
  project: string,
  services: string[],
  timeout: number | undefined,
): Promise<void> {
  if (timeout === undefined) return;
  checkStopTimeout(timeout);
  const tasks = (await state.tasks.list()).items.filter(
    (t) =>
      t.value.project === project &&
      (!services.length || services.includes(t.value.service)) &&
      !isTerminal(t.value.status.state),
  );
  await updateMany(state.store, state.tasks, tasks, (cur) =>
    cur.stopTimeout === timeout ? undefined : { ...cur, stopTimeout: timeout },
  );
}

/**
 * A task meant to run whose container ended (exited, killed), as `up`, `start` and `restart` leave
 * it: done, its node keeping the container for the slot's next task to start again (adopts), as
 * Compose starts the same container; undefined for any other task.
 */
function replaceEnded(cur: Task, extra: Partial<Task> = {}): Task | undefined {
  return cur.desiredState === "running" && isTerminal(cur.status.state)
    ? { ...cur, desiredState: "shutdown" as const, keepContainer: true, ...extra }
    : undefined;
}

/** A user's stop timeout (`-t`) must be whole seconds, 0 or more. */
function checkStopTimeout(timeout: number | undefined): void {
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0))
    throw invalidArgument(`invalid stop timeout ${timeout}`, {
      hint: "give a whole number of seconds, 0 or more",
    });
}

/** `a` plus the members of `b` whose name it lacks. */
function union<T extends { name: string }>(a: T[], b: T[]): T[] {
  return [...a, ...b.filter((x) => !a.some((y) => y.name === x.name))];
}

/**
 * Parses and checks a request's stack, and stores its record (not its services); with `merge`, an
 * existing record only gains the networks and volumes it lacks.
 */
async function storeStack(state: ClusterState, json: string, merge = false): Promise<StackSpec> {
  let stack: StackSpec;
  try {
    stack = JSON.parse(json) as StackSpec;
  } catch (e) {
    throw invalidArgument(`stack is not valid JSON: ${(e as Error).message}`);
  }
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(stack.project))
    throw invalidArgument(`invalid project name ${JSON.stringify(stack.project)}`, {
      hint: "use lowercase letters, digits, dashes and underscores",
    });
  const now = new Date().toISOString();
  const { services: _services, ...rest } = stack;
  await state.stacks.update(stack.project, (cur) =>
    merge && cur
      ? { ...cur, networks: union(cur.networks, rest.networks), volumes: union(cur.volumes, rest.volumes) }
      : { ...rest, createdAt: cur?.createdAt ?? now, updatedAt: now },
  );
  return stack;
}

/** How long a `Tasks` long poll waits for a change before answering anyway (by default). */
const LONG_POLL_MS = 1000;

/**
 * Resolves once the manager's copy of the tasks holds a change after `revision`, or after
 * `timeoutMs`; at once when the copy cannot be read (etcd away: the caller reads and fails).
 */
async function taskChangeAfter(state: ClusterState, revision: number, timeoutMs: number): Promise<void> {
  try {
    await state.ready();
  } catch {
    return;
  }
  await state.cache.tasks.waitFor(revision + 1, timeoutMs);
}

/** What the volumes of a removed stack should become (the agent removes them). */
export type VolumeRemover = (names: string[]) => Promise<void>;

/**
 * The Stacks service: `up` stores a stack and its services (unchanged services stay as they are;
 * a changed config hash replaces that service's tasks); `down` deletes the services (the
 * orchestrator shuts their tasks down); scale, stop/start/restart, `rm` of services that do not
 * run, the network allocations one-off containers join, and read-only views of stacks, tasks and
 * nodes.
 */
export function stacksService(
  state: ClusterState,
  removeVolumes: VolumeRemover,
  opts: { longPollMs?: number } = {},
): ServiceImpl {
  const longPollMs = opts.longPollMs ?? LONG_POLL_MS;
  return {
    async deploy(req: DeployRequest) {
      const stack = await storeStack(state, req.stackJson);
      const { services } = stack;
      const now = new Date().toISOString();
      const reply = {
        created: [] as string[],
        recreated: [] as string[],
        unchanged: [] as string[],
        removed: [] as string[],
      };
      const wanted = req.services.length ? services.filter((s) => req.services.includes(s.name)) : services;
      type Outcome = "created" | "recreated" | "unchanged";
      const specs = new Map(wanted.map((spec) => [serviceId(stack.project, spec.name), spec]));
      const mine = (await state.services.list()).items.filter((v) => v.value.project === stack.project);
      const stored = new Map(mine.map((v) => [v.value.spec.name, v.value] as const));
      const recreated = servicesToRecreate(wanted, stored, req);
      // One token for this deploy's recreations that their config hash does not already cause.
      const token = randomUUID().slice(0, 8);
      const outcomes = await upsertMany(
        state.store,
        state.services,
        [...specs.keys()],
        (id, cur): { value: StoredService | undefined; result: Outcome } => {
          const spec = specs.get(id)!;
          if (!cur) {
            const value: StoredService = {
              project: stack.project,
              spec,
              version: 1,
              ...(req.stopped ? { stopped: true } : {}),
              createdAt: now,
              updatedAt: now,
            };
            return { value, result: "created" };
          }
          const changed = cur.spec.configHash !== spec.configHash;
          const recreate = recreated.has(spec.name);
          // Without a recreate, a changed file (--no-recreate) keeps the running configuration's hash.
          const configHash = recreate ? spec.configHash : cur.spec.configHash;
          const { recreateToken: _old, ...rest } = cur;
          const recreateToken = recreate
            ? changed && !req.forceRecreate
              ? undefined
              : token
            : cur.recreateToken;
          const next: StoredService = {
            ...rest,
            ...(recreateToken !== undefined && { recreateToken }),
            spec: { ...spec, configHash },
            stopped: req.stopped ? recreate || !!cur.stopped : false,
            version: cur.version + 1,
            updatedAt: now,
          };
          const same =
            JSON.stringify(next.spec) === JSON.stringify(cur.spec) &&
            !!next.stopped === !!cur.stopped &&
            next.recreateToken === cur.recreateToken;
          return { value: same ? undefined : next, result: recreate ? "recreated" : "unchanged" };
        },
      );
      for (const [id, spec] of specs) reply[outcomes.get(id)!].push(spec.name);
      // As `docker compose up` starts exited containers again: slots whose task ended get a new one.
      const deployed = new Set(req.stopped ? [] : wanted.map((s) => s.name));
      const ended = (await state.tasks.list()).items.filter(
        ({ value: task }) =>
          task.project === stack.project &&
          deployed.has(task.service) &&
          task.desiredState === "running" &&
          isTerminal(task.status.state),
      );
      await updateMany(state.store, state.tasks, ended, (cur) => replaceEnded(cur));
      // (The upsert above touched only the deployed services: the orphans are as listed.)
      if (req.removeOrphans)
        for (const { id, value } of mine)
          if (!services.some((s) => s.name === value.spec.name)) {
            await state.services.delete(id);
            reply.removed.push(value.spec.name);
          }
      return reply;
    },
    async remove(req: { project: string; volumes: boolean; timeout?: number; keepServices?: string[] }) {
      const stack = await state.stacks.get(req.project);
      const services = (await state.services.list()).items.filter((s) => s.value.project === req.project);
      if (!stack && services.length === 0) return {};
      const keep = new Set(req.keepServices ?? []);
      const doomed = services.filter((s) => !keep.has(s.value.spec.name));
      const gone = new Set(doomed.map((s) => s.value.spec.name));
      const mine = (t: Task): boolean => t.project === req.project && gone.has(t.service);
      if (stack && doomed.length === 0) return {};
      await setStopTimeout(
        state,
        req.project,
        doomed.map((s) => s.value.spec.name),
        req.timeout,
      );
      await deleteMany(
        state.store,
        state.services,
        doomed.map((s) => s.id),
      );
      // Wait (bounded) for the tasks to be shut down before the networks go.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const live = (await state.tasks.list()).items.filter(
          (t) =>
            mine(t.value) &&
            !isTerminal(t.value.status.state) &&
            t.value.status.state !== "new" &&
            t.value.status.state !== "pending",
        );
        if (live.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const tasks = (await state.tasks.list()).items.filter((t) => mine(t.value));
      await deleteMany(
        state.store,
        state.tasks,
        tasks.map((t) => t.id),
      );
      // Services left in place still use the stack's networks and volumes.
      if (doomed.length < services.length) return {};
      for (const n of stack?.value.networks ?? []) {
        if (n.external) continue;
        await state.networks.delete(n.name);
        await state.ipam.delete(n.name);
      }
      if (req.volumes)
        await removeVolumes((stack?.value.volumes ?? []).filter((v) => !v.external).map((v) => v.name));
      await state.stacks.delete(req.project);
      return {};
    },
    async list() {
      const [stackList, taskList] = await Promise.all([state.stacks.list(), state.tasks.list()]);
      const stacks = stackList.items.map((s) => s.value);
      const tasks = taskList.items.map((t) => t.value);
      return {
        json: JSON.stringify(
          stacks.map((s) => {
            const mine = tasks.filter((t) => t.project === s.project && t.desiredState === "running");
            const states = new Map<string, number>();
            for (const t of mine) states.set(t.status.state, (states.get(t.status.state) ?? 0) + 1);
            return {
              project: s.project,
              configFiles: s.configFiles,
              status: [...states].map(([k, v]) => `${k}(${v})`).join(", "),
            };
          }),
        ),
      };
    },
    async tasks(req: { project: string; all: boolean; afterRevision?: number }) {
      // `up`, `scale` and `restart` wait on this until the stack converges: each asks again with the
      // revision it saw and hears of the next task change as it lands, without polling.
      if (req.afterRevision) await taskChangeAfter(state, req.afterRevision, longPollMs);
      const [allServices, allTasks, stack] = await Promise.all([
        state.services.list(),
        state.tasks.list(),
        state.stacks.get(req.project),
      ]);
      const services: ServiceView[] = allServices.items
        .filter((s) => s.value.project === req.project)
        .map((s) => ({ ...s.value, taskHash: taskHash(s.value) }));
      const tasks = allTasks.items
        .map((t) => t.value)
        .filter((t) => t.project === req.project && (req.all || t.desiredState === "running"));
      const view = { stack: stack?.value ?? null, services, tasks, revision: allTasks.revision };
      return { json: JSON.stringify(view) };
    },
    async scale(req: { project: string; service: string; replicas: number }) {
      if (req.replicas < 0) throw invalidArgument(`invalid replica count ${req.replicas}`);
      const id = serviceId(req.project, req.service);
      const cur = await state.services.get(id);
      if (!cur) throw notFound("service", req.service, { hint: `is it in project ${req.project}?` });
      await state.services.update(id, (s) =>
        s ? { ...s, spec: { ...s.spec, replicas: req.replicas }, version: s.version + 1 } : undefined,
      );
      return {};
    },
    async setState(req: { project: string; services: string[]; action: string; timeout?: number }) {
      const all = (await state.services.list()).items.filter((s) => s.value.project === req.project);
      const chosen = req.services.length ? all.filter((s) => req.services.includes(s.value.spec.name)) : all;
      for (const name of req.services)
        if (!all.some((s) => s.value.spec.name === name))
          throw notFound("service", name, { hint: `is it in project ${req.project}?` });
      if (!["start", "stop", "restart"].includes(req.action))
        throw invalidArgument(`unknown action ${JSON.stringify(req.action)}`);
      checkStopTimeout(req.timeout);
      const names = new Set(chosen.map((s) => s.value.spec.name));
      const live = async () =>
        (await state.tasks.list()).items.filter(
          (t) =>
            t.value.project === req.project &&
            names.has(t.value.service) &&
            t.value.desiredState === "running",
        );
      const stopTimeout = req.timeout !== undefined ? { stopTimeout: req.timeout } : {};
      if (req.action === "restart") {
        // As `docker compose restart`: running containers restart in place (the same containers,
        // their logs kept), each within the user's stop timeout; the agent does it when the task's
        // restart token changes, and reports the token back.
        const restartToken = randomUUID();
        await updateMany(state.store, state.tasks, await live(), (cur) => {
          if (cur.desiredState !== "running") return undefined;
          if (cur.status.state === "running") return { ...cur, restartToken, ...stopTimeout };
          return replaceEnded(cur, stopTimeout);
        });
        return { restartToken };
      }
      if (req.action === "start")
        await updateMany(state.store, state.tasks, await live(), (cur) => replaceEnded(cur, stopTimeout));
      if (req.action === "stop") await setStopTimeout(state, req.project, req.services, req.timeout);
      for (const s of chosen)
        await state.services.update(s.id, (cur) =>
          cur ? { ...cur, stopped: req.action === "stop" } : undefined,
        );
      return {};
    },
    async removeStopped(req: { project: string; services: string[] }) {
      const tasks = (await state.tasks.list()).items.filter((t) => t.value.project === req.project);
      // Live: running or on its way there, or still shutting down.
      const live = (service: string) =>
        tasks.some(
          ({ value: t }) =>
            t.service === service &&
            !isTerminal(t.status.state) &&
            (t.desiredState === "running" || !["new", "pending"].includes(t.status.state)),
        );
      const removed: string[] = [];
      for (const { id, value } of (await state.services.list()).items)
        if (
          value.project === req.project &&
          (!req.services.length || req.services.includes(value.spec.name)) &&
          !live(value.spec.name)
        ) {
          await state.services.delete(id);
          removed.push(value.spec.name);
        }
      // The orchestrator shuts down and deletes the tasks of removed services; wait (bounded), then
      // delete what is left (all terminal) so `ps -a` is clean on return.
      const mine = async () =>
        (await state.tasks.list()).items.filter(
          (t) => t.value.project === req.project && removed.includes(t.value.service),
        );
      const deadline = Date.now() + 5000;
      while ((await mine()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      for (const t of await mine()) if (isTerminal(t.value.status.state)) await state.tasks.delete(t.id);
      return { removed };
    },
    async networks(req: { stackJson: string }) {
      const stack = await storeStack(state, req.stackJson, true);
      const names = stack.networks.map((n) => n.name);
      // The allocator gives the stored stack's networks their subnets.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const nets = (await state.networks.list()).items.filter((n) => names.includes(n.id));
        if (nets.length === names.length) {
          const ipam = new Map((await state.ipam.list()).items.map((r) => [r.id, r.value] as const));
          return {
            json: JSON.stringify(
              nets.map((n) => ({ ...n.value, used: Object.keys(ipam.get(n.id)?.owners ?? {}) })),
            ),
          };
        }
        if (Date.now() > deadline)
          throw unavailable(`the networks of stack ${stack.project} were not allocated in time`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async nodes() {
      return { json: JSON.stringify((await state.nodes.list()).items.map((n) => n.value)) };
    },
  };
}

/**
 * The services a deploy recreates: those whose config hash changed (unless `noRecreate`), all of
 * them with `forceRecreate`, and, transitively, the deployed services that depend on one of those.
 * New services are created, not recreated.
 */
export function servicesToRecreate(
  wanted: ServiceSpec[],
  stored: Map<string, StoredService>,
  req: { forceRecreate?: boolean; noRecreate?: boolean },
): Set<string> {
  const out = new Set<string>();
  if (req.noRecreate && !req.forceRecreate) return out;
  for (const spec of wanted) {
    const cur = stored.get(spec.name);
    if (cur && (req.forceRecreate || cur.spec.configHash !== spec.configHash)) out.add(spec.name);
  }
  for (let grew = true; grew;) {
    grew = false;
    for (const spec of wanted)
      if (
        !out.has(spec.name) &&
        stored.has(spec.name) &&
        Object.keys(spec.dependsOn).some((d) => out.has(d))
      ) {
        out.add(spec.name);
        grew = true;
      }
  }
  return out;
}
