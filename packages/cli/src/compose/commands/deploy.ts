import type { StackSpec, StoredService } from "@tsc/manager";
import type { Command } from "commander";
import { Option } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { collect } from "../../ctl/shared.js";
import { toStackSpec } from "../convert/stack.js";
import type { ComposeEngine } from "../engine.js";
import type { ProgressMode } from "../progress.js";
import { Progress } from "../progress.js";
import { printWarnings } from "../warnings.js";
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
    .addOption(
      new Option("--progress <mode>", "progress output")
        .choices(["auto", "tty", "plain", "quiet", "json"])
        .default("auto"),
    );
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
 * Loads the project (narrowed to `selected` and their dependencies), converts it and stores it on
 * the engine: the `only` services (default: `selected`, empty = all), `stopped` ones created but
 * not started. Shows its networks and volumes on a new progress display the caller ends.
 */
export async function deployProject(
  engine: ComposeEngine,
  selected: string[],
  flags: DeployFlags & { stopped?: boolean; only?: string[] },
  title: string,
): Promise<{ stack: StackSpec; progress: Progress; before: RunningBefore }> {
  const loaded = await engine.load(selected);
  printWarnings(loaded.warnings);
  const { stack, warnings } = toStackSpec(loaded.project, {
    configFiles: loaded.files,
    workingDir: loaded.projectDir,
  });
  printWarnings(warnings);
  adjust(stack, flags);
  const client = await engine.client();
  const previous = await engine.view(stack.project);
  const existed = previous.stack !== null;
  const progress = new Progress(flags.progress, title);
  try {
    for (const n of stack.networks.filter((x) => !x.external))
      progress.set("Network", n.name, existed ? "Running" : "Created", { done: true });
    for (const v of stack.volumes.filter((x) => !x.external))
      progress.set("Volume", v.name, existed ? "Running" : "Created", { done: true });
    await client.call("Stacks", "deploy", {
      stackJson: JSON.stringify(stack),
      forceRecreate: !!flags.forceRecreate,
      noRecreate: !flags.recreate,
      removeOrphans: !!flags.removeOrphans,
      services: flags.only ?? selected,
      stopped: !!flags.stopped,
    });
  } catch (e) {
    progress.end();
    throw e;
  }
  return { stack, progress, before: runningBefore(previous) };
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
