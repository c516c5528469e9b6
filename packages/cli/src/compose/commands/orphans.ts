import type { ContainerSummary } from "@tsc/api";
import type { Project } from "@tsc/compose";
import { SERVICE_LABEL } from "../convert/container.js";
import type { ComposeEngine } from "../engine.js";
import type { Progress } from "../progress.js";
import { printWarnings } from "../warnings.js";
import { ONEOFF_LABEL } from "./one-off.js";
import { waitFor } from "./wait.js";

/** Every service the compose file has: enabled, or left out by profiles or the command line. */
export function fileServiceNames(project: Project): Set<string> {
  return new Set([...Object.keys(project.services), ...Object.keys(project.disabled_services ?? {})]);
}

/**
 * The project's orphan containers, as Compose finds them: service containers (not `run`'s
 * one-offs) of a service the compose file no longer has.
 */
export function orphanContainers(
  containers: ContainerSummary[],
  services: ReadonlySet<string>,
): ContainerSummary[] {
  return containers.filter(
    (c) => c.labels[ONEOFF_LABEL] !== "True" && !services.has(c.labels[SERVICE_LABEL] ?? ""),
  );
}

/** Compose's warning about orphan containers (`names` without the leading slash). */
export function orphanWarning(names: string[]): string {
  return (
    `Found orphan containers ([${names.join(" ")}]) for this project. If you removed or renamed this ` +
    "service in your compose file, you can run this command with the --remove-orphans flag to clean it up."
  );
}

/** A container's name without the leading slash. */
const nameOf = (c: ContainerSummary): string => c.names[0]!.slice(1);

/**
 * The orphan containers of `project`'s stack on the engine; unless they are to be removed
 * (`--remove-orphans`), Compose's warning about them.
 */
export async function findOrphans(
  engine: ComposeEngine,
  project: Project,
  removing: boolean,
): Promise<ContainerSummary[]> {
  const orphans = orphanContainers(
    await engine.containers(project.name, { all: true }),
    fileServiceNames(project),
  );
  if (orphans.length > 0 && !removing) printWarnings([orphanWarning(orphans.map(nameOf))]);
  return orphans;
}

/**
 * After a deploy that removed the orphan services `removed`: waits (bounded) until their containers
 * are gone, then shows ` Container X  Removed` for each, as Compose's `up --remove-orphans`.
 */
export async function showRemovedOrphans(
  engine: ComposeEngine,
  project: string,
  removed: string[],
  orphans: ContainerSummary[],
  progress: Progress,
): Promise<void> {
  if (removed.length === 0) return;
  const names = orphans.filter((c) => removed.includes(c.labels[SERVICE_LABEL] ?? "")).map(nameOf);
  for (const name of names) progress.set("Container", name, "Removing");
  await waitFor(
    engine,
    project,
    (v) => ({ done: !v.tasks.some((t) => removed.includes(t.service)) }),
    60_000,
    true,
  );
  for (const name of names) progress.set("Container", name, "Removed", { done: true });
}
