import type { ContainerSummary } from "@tsc/api";
import { noSuchService } from "@tsc/compose";
import { isTscError } from "@tsc/core";
import type { Task } from "@tsc/manager";
import { Command } from "commander";
import { confirm } from "../../common/confirm.js";
import { ExitError } from "../../common/run-cli.js";
import { daemonError } from "../../ctl/shared.js";
import type { ComposeEngine, StackView } from "../engine.js";
import { Progress } from "../progress.js";
import { ONEOFF_LABEL } from "./one-off.js";
import { psRows } from "./ps.js";
import { isFinished, waitFor } from "./wait.js";

/** Whether a task of `service` runs, is on its way to, or is still shutting down (what the engine's RemoveStopped checks). */
function live(tasks: Task[], service: string): boolean {
  return tasks.some(
    (t) =>
      t.service === service &&
      !isFinished(t.status.state) &&
      (t.desiredState === "running" || !["new", "pending"].includes(t.status.state)),
  );
}

/** What `rm` would remove: the services none of whose containers runs, their names, and the stopped containers. */
export interface RemovalPlan {
  services: string[];
  names: string[];
  containers: ContainerSummary[];
}

/**
 * The stopped containers of the chosen services (all when `services` is empty): service
 * containers of services that do not run (stopped, exited or created; as `ps -a` names them) and
 * stopped one-off (`run`) containers.
 */
export function removalPlan(
  project: string,
  view: StackView,
  containers: ContainerSummary[],
  services: string[],
): RemovalPlan {
  const chosen = (name: string) => !services.length || services.includes(name);
  const stopped = view.services
    .map((s) => s.spec.name)
    .filter((name) => chosen(name) && !live(view.tasks, name));
  const names = psRows(project, view.services, view.tasks, containers, true)
    .filter((r) => stopped.includes(r.Service))
    .map((r) => r.Name);
  const removable = containers.filter((c) => {
    const service = c.labels["com.docker.compose.service"] ?? "";
    const oneOff = c.labels[ONEOFF_LABEL] === "True";
    return (
      !["running", "paused", "restarting"].includes(c.state) &&
      (oneOff ? chosen(service) : stopped.includes(service))
    );
  });
  for (const c of removable) names.push(c.names[0]!.slice(1));
  return { services: stopped, names: [...new Set(names)], containers: removable };
}

/** `-s`: stops the chosen services and running one-off containers, and waits until none runs. */
async function stopFirst(engine: ComposeEngine, project: string, view: StackView, services: string[]) {
  const client = await engine.client();
  const known = view.services.map((s) => s.spec.name).filter((n) => !services.length || services.includes(n));
  const running = await engine.containers(project, { all: false, services });
  if (known.length) await client.call("Stacks", "setState", { project, services: known, action: "stop" });
  for (const c of running)
    if (c.labels[ONEOFF_LABEL] === "True") await client.call("Containers", "stop", { id: c.id, timeout: -1 });
  const verdict = await waitFor(
    engine,
    project,
    (v) => ({ done: !known.some((s) => live(v.tasks, s)) }),
    120_000,
    true,
  );
  if ("timedOut" in verdict && verdict.timedOut)
    throw new ExitError(1, "tsc-compose: timed out waiting for containers to stop");
  const progress = new Progress(engine.progressMode(), "Stopping");
  for (const c of running) progress.set("Container", c.names[0]!.slice(1), "Stopped", { done: true });
  progress.end();
}

/** `rm`: removes the project's stopped service containers and one-off containers. */
export function rmCommand(engine: ComposeEngine): Command {
  return new Command("rm")
    .description("Removes stopped service containers")
    .option("-f, --force", "don't ask to confirm removal")
    .option("-s, --stop", "stop the containers, if required, before removing")
    .option("-v, --volumes", "remove any anonymous volumes attached to containers")
    .argument("[service...]")
    .action(async (services: string[], f: { force?: boolean; stop?: boolean; volumes?: boolean }) => {
      const project = await engine.projectName();
      const client = await engine.client();
      let view = await engine.view(project, true);
      const loaded = await engine.load().catch(() => undefined);
      const known = new Set([
        ...view.services.map((s) => s.spec.name),
        ...Object.keys(loaded?.project.services ?? {}),
        ...Object.keys(loaded?.project.disabled_services ?? {}),
      ]);
      for (const s of services) if (!known.has(s)) throw noSuchService(s, [...known].sort());
      if (f.stop) {
        await stopFirst(engine, project, view, services).catch((e: unknown) => {
          throw e instanceof ExitError ? e : new ExitError(1, daemonError(e));
        });
        view = await engine.view(project, true);
      }
      const plan = removalPlan(project, view, await engine.containers(project, { all: true }), services);
      if (!plan.names.length) return void process.stderr.write("No stopped containers\n");
      const message = `Going to remove ${plan.names.join(", ")}`;
      if (f.force) process.stdout.write(`${message}\n`);
      else if (!(await confirm(`${message}\nAre you sure? [yN] `))) return;
      const progress = new Progress(engine.progressMode(), "Removing");
      try {
        // The agent may be removing a stopped task's container itself meanwhile.
        for (const c of plan.containers)
          await client
            .call("Containers", "remove", { id: c.id, force: false, volumes: !!f.volumes })
            .catch((e: unknown) => {
              if (!isTscError(e, "NotFound")) throw e;
            });
        if (plan.services.length)
          await client.call("Stacks", "removeStopped", { project, services: plan.services });
      } catch (e) {
        progress.end();
        throw new ExitError(1, daemonError(e));
      }
      for (const name of plan.names) progress.set("Container", name, "Removed", { done: true });
      progress.end();
    });
}
