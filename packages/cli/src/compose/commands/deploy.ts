import type { StackSpec, StoredService } from "@tsc/manager";
import type { Command } from "commander";
import { Option } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { collect } from "../../ctl/shared.js";
import { toServiceSpec } from "../convert/service.js";
import { toStackSpec } from "../convert/stack.js";
import type { ComposeEngine } from "../engine.js";
import type { ProgressMode } from "../progress.js";
import { Progress, PROGRESS_MODES } from "../progress.js";
import { printWarnings } from "../warnings.js";
import { ensureImages } from "./ensure-images.js";
import { findOrphans, showRemovedOrphans } from "./orphans.js";
import type { RunningBefore } from "./wait.js";
import { runningBefore } from "./wait.js";

/** The flags that shape a deploy, shared by `up` and `create`. */
export interface DeployFlags {
  scale?: string[];
  removeOrphans?: boolean;
  forceRecreate?: boolean;
  recreate: boolean;
  pull?: "always" | "missing" | "never";
  progress: ProgressMode;
  /** False with `--no-deps`: only the named services, not what they depend on. */
  deps?: boolean;
}

/** Adds the flags of {@link DeployFlags} (Compose's names). */
export function addDeployOptions(cmd: Command): Command {
  return cmd
    .option("--scale <SERVICE=NUM>", "scale SERVICE to NUM instances (overrides the compose file)", collect)
    .option("--remove-orphans", "remove containers for services not defined in the compose file")
    .option("--force-recreate", "recreate containers even if their configuration hasn't changed")
    .option("--no-recreate", "if containers already exist, don't recreate them")
    .addOption(
      new Option("--pull <policy>", "pull image before running").choices(["always", "missing", "never"]),
    )
    .addOption(new Option("--progress <mode>", "progress output").choices(PROGRESS_MODES).default("auto"));
}

/** Applies `--scale SVC=N` and `--pull` to the stack. */
function adjust(stack: StackSpec, flags: DeployFlags): void {
  for (const s of flags.scale ?? []) {
    const [name, n] = s.split("=") as [string, string | undefined];
    const svc = stack.services.find((x) => x.name === name);
    if (!svc || n === undefined || !/^\d+$/.test(n))
      throw new ExitError(
        1,
        `tsc-compose: invalid --scale ${JSON.stringify(s)}${svc ? "" : `: no such service: ${name}`}`,
      );
    svc.replicas = Number(n);
  }
  if (flags.pull) for (const s of stack.services) s.container.pull = flags.pull;
}

/**
 * Loads the project (narrowed to `selected` and their dependencies), converts it, pulls the images
 * it lacks and stores it on the engine: the `only` services, else `selected` and (unless `deps` is
 * false) what they depend on, transitively, as Compose's `up SERVICE`, else all; `stopped` ones
 * created but not started. Warns about orphan containers, or removes them (`removeOrphans`). Shows
 * its networks and volumes on a new progress display the caller ends; returns the deployed services.
 */
export async function deployProject(
  engine: ComposeEngine,
  selected: string[],
  flags: DeployFlags & { stopped?: boolean; only?: string[] },
  title: string,
): Promise<{ stack: StackSpec; services: string[]; progress: Progress; before: RunningBefore }> {
  const loaded = await engine.load(selected);
  printWarnings(loaded.warnings);
  const { stack, warnings } = toStackSpec(loaded.project, {
    configFiles: loaded.files,
    workingDir: loaded.projectDir,
  });
  printWarnings(warnings);
  adjust(stack, flags);
  // The loader narrowed the project to the named services and their dependencies.
  const services =
    flags.only ??
    (selected.length > 0 && flags.deps === false ? selected : stack.services.map((s) => s.name));
  const client = await engine.client();
  await ensureImages(
    client,
    stack.services.filter((s) => services.includes(s.name)),
    flags.pull,
    flags.progress,
  );
  // The engine's orphans are the stored services the stack lacks: the stack names every service of
  // the file (those left out by profiles or the command line too); `services` says what to deploy.
  if (services.length > 0)
    for (const [name, svc] of Object.entries(loaded.project.disabled_services ?? {}))
      stack.services.push(toServiceSpec(loaded.project, name, svc).spec);
  const previous = await engine.view(stack.project);
  const existed = previous.stack !== null;
  const orphans = await findOrphans(engine, loaded.project, !!flags.removeOrphans);
  const progress = new Progress(flags.progress, title);
  try {
    for (const n of stack.networks.filter((x) => !x.external))
      progress.set("Network", n.name, existed ? "Running" : "Created", { done: true });
    for (const v of stack.volumes.filter((x) => !x.external))
      progress.set("Volume", v.name, existed ? "Running" : "Created", { done: true });
    const reply = await client.call<{ removed?: string[] }>("Stacks", "deploy", {
      stackJson: JSON.stringify(stack),
      forceRecreate: !!flags.forceRecreate,
      noRecreate: !flags.recreate,
      removeOrphans: !!flags.removeOrphans,
      services,
      stopped: !!flags.stopped,
    });
    await showRemovedOrphans(engine, stack.project, reply.removed ?? [], orphans, progress);
  } catch (e) {
    progress.end();
    throw e;
  }
  return { stack, services, progress, before: runningBefore(previous) };
}

/** Compose's container names of a stored service: `container_name`, else `<project>-<service>-<n>` per replica. */
export function containerNames(project: string, svc: StoredService): string[] {
  const n = svc.spec.mode === "replicated" ? svc.spec.replicas : 1;
  if (svc.spec.containerName) return n > 0 ? [svc.spec.containerName] : [];
  return Array.from({ length: n }, (_, i) => `${project}-${svc.spec.name}-${i + 1}`);
}

/** After a deploy of stopped services (`create`, `up --no-start`): a `Created` line per container (`Running` for those left running). */
export async function showCreated(
  engine: ComposeEngine,
  project: string,
  services: string[],
  progress: Progress,
): Promise<void> {
  for (const s of (await engine.view(project)).services)
    if (!services.length || services.includes(s.spec.name))
      for (const name of containerNames(project, s))
        progress.set("Container", name, s.stopped ? "Created" : "Running", { done: true });
}
