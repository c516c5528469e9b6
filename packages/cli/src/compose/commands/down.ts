import type { TscClient } from "@tsc/api";
import { isTscError } from "@tsc/core";
import type { StoredService } from "@tsc/manager";
import { Command, Option } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { stopTimeoutOption } from "../../common/stop-timeout.js";
import { daemonError } from "../../ctl/shared.js";
import type { ComposeEngine } from "../engine.js";
import { SERVICE_LABEL } from "../convert/container.js";
import { printWarnings } from "../warnings.js";
import { ONEOFF_LABEL } from "./one-off.js";
import { fileServiceNames, orphanContainers, orphanWarning } from "./orphans.js";
import type { ProgressMode } from "../progress.js";
import { Progress, PROGRESS_MODES } from "../progress.js";
import { stopServices } from "./stop.js";

/**
 * The images `down --rmi` removes, as Compose: `all`, every service's image; `local`, only those of
 * services without an `image:` name (the `<project>-<service>` images Compose builds). `named`: the
 * services the compose file gives an `image:` (absent when the file cannot be read: then a service
 * whose image is not its default name counts as named).
 */
export function imagesToRemove(
  project: string,
  services: StoredService[],
  rmi: "local" | "all",
  named?: ReadonlySet<string>,
): string[] {
  const local = (s: StoredService): boolean =>
    named ? !named.has(s.spec.name) : s.spec.container.image === `${project}-${s.spec.name}`;
  return [
    ...new Set(services.filter((s) => rmi === "all" || local(s)).map((s) => s.spec.container.image)),
  ].sort();
}

/**
 * Removes `images` with Compose's lines: ` Image X  Removed`; an image still in use, or (for `all`)
 * absent, is a warning line, as Compose's; returns the first other failure (shown as `Error`).
 */
async function removeImages(
  client: TscClient,
  images: string[],
  rmi: "local" | "all",
  progress: Progress,
): Promise<unknown> {
  let failure: unknown;
  for (const image of images)
    await client.call("Images", "remove", { reference: image, force: false }).then(
      () => progress.set("Image", image, "Removed", { done: true }),
      (e: unknown) => {
        if (isTscError(e, "NotFound")) {
          // `local` only removes the images it finds (Compose lists them first).
          if (rmi === "all")
            progress.set("Image", image, "No resource found to remove", { done: true, warning: true });
        } else if (isTscError(e, "FailedPrecondition"))
          progress.set("Image", image, "Resource is still in use", { done: true, warning: true });
        else {
          progress.set("Image", image, "Error", { done: true, error: true });
          failure ??= e;
        }
      },
    );
  return failure;
}

/** The services the compose file (when it loads) names an `image:` for. */
async function servicesWithImageName(engine: ComposeEngine): Promise<Set<string> | undefined> {
  const loaded = await engine.load().catch(() => undefined);
  if (!loaded) return undefined;
  const all = { ...loaded.project.services, ...loaded.project.disabled_services };
  return new Set(Object.keys(all).filter((name) => all[name]!.image !== undefined));
}

/**
 * Compose's shutdown order, in layers: first the services no other remaining service depends on,
 * then what they depended on, and so on (a dependency cycle ends in one last layer).
 */
export function shutdownLayers(services: StoredService[]): string[][] {
  const remaining = new Map(services.map((s) => [s.spec.name, Object.keys(s.spec.dependsOn ?? {})]));
  const layers: string[][] = [];
  while (remaining.size > 0) {
    const needed = new Set([...remaining.values()].flat());
    const layer = [...remaining.keys()].filter((n) => !needed.has(n));
    const next = layer.length > 0 ? layer : [...remaining.keys()];
    layers.push(next.sort());
    for (const n of next) remaining.delete(n);
  }
  return layers;
}

/** `down`: removes the project's services (their containers), networks and, with -v, volumes. */
export function downCommand(engine: ComposeEngine): Command {
  return new Command("down")
    .description("Stop and remove containers, networks")
    .option("-v, --volumes", "remove named volumes declared in the volumes section and anonymous volumes")
    .option("--remove-orphans", "remove containers for services not defined in the compose file")
    .addOption(new Option("--rmi <type>", "remove images used by services").choices(["local", "all"]))
    .addOption(stopTimeoutOption("-t, --timeout <seconds>", "shutdown timeout in seconds"))
    .addOption(new Option("--progress <mode>", "progress output").choices(PROGRESS_MODES).default("auto"))
    .action(
      async (f: {
        volumes?: boolean;
        removeOrphans?: boolean;
        rmi?: "local" | "all";
        timeout?: number;
        progress: ProgressMode;
      }) => {
        const project = await engine.projectName();
        const client = await engine.client();
        const view = await engine.view(project);
        // Without --remove-orphans, services the compose file no longer has stay (with a warning),
        // and so do the networks and volumes they use, as in Compose.
        const inFile = f.removeOrphans ? undefined : await fileServices(engine);
        const orphans = inFile ? view.services.map((s) => s.spec.name).filter((n) => !inFile.has(n)) : [];
        const all = await engine.containers(project, { all: true });
        const ofOrphan = (c: (typeof all)[number]): boolean =>
          orphans.includes(c.labels[SERVICE_LABEL] ?? "");
        if (orphans.length > 0) {
          printWarnings([orphanWarning(orphanContainers(all, inFile!).map((c) => c.names[0]!.slice(1)))]);
          view.services = view.services.filter((s) => !orphans.includes(s.spec.name));
        }
        const containers = all.filter((c) => !ofOrphan(c));
        const progress = new Progress(f.progress, "Running");
        const name = (c: (typeof containers)[number]): string => c.names[0]!.slice(1);
        const ofServices = (names: string[]) =>
          containers.filter(
            (c) => c.labels[ONEOFF_LABEL] !== "True" && names.includes(c.labels[SERVICE_LABEL] ?? ""),
          );
        // One-off (`run`) containers live outside the manager: remove them here, before the networks go.
        for (const c of containers)
          if (c.labels[ONEOFF_LABEL] === "True") {
            progress.set("Container", name(c), "Stopping");
            await client.call("Containers", "stop", { id: c.id, timeout: f.timeout ?? -1 });
            await client.call("Containers", "remove", { id: c.id, force: true, volumes: !!f.volumes });
          }
        // Dependents stop before what they depend on, as in Compose; the last layer stops with the removal.
        const layers = shutdownLayers(view.services);
        for (const layer of layers.slice(0, -1)) {
          const timedOut = await stopServices(engine, project, layer, f.timeout, progress);
          if (timedOut) throw new ExitError(1, timedOut);
        }
        for (const c of ofServices(layers.at(-1) ?? [])) progress.set("Container", name(c), "Stopping");
        // A volume is `Removed` only if it existed (one no container used was never created).
        // (With orphans left, the stack's volumes stay: no need to look them up.)
        const volumes =
          f.volumes && orphans.length === 0
            ? await existing(
                client,
                (view.stack?.volumes ?? []).filter((v) => !v.external).map((v) => v.name),
              )
            : [];
        await client.call("Stacks", "remove", {
          project,
          volumes: !!f.volumes,
          ...(f.timeout !== undefined && { timeout: f.timeout }),
          keepServices: orphans,
        });
        for (const c of containers) progress.set("Container", name(c), "Removed", { done: true });
        const kept = orphans.length > 0;
        for (const n of view.stack?.networks ?? [])
          if (!n.external)
            progress.set("Network", n.name, kept ? "Resource is still in use" : "Removed", { done: true });
        if (!kept) for (const v of volumes) progress.set("Volume", v, "Removed", { done: true });
        const failure = f.rmi
          ? await removeImages(
              client,
              imagesToRemove(project, view.services, f.rmi, await servicesWithImageName(engine)),
              f.rmi,
              progress,
            )
          : undefined;
        progress.end();
        if (failure !== undefined) throw new ExitError(1, daemonError(failure));
      },
    );
}

/** The services the compose file names, when it loads (else orphans cannot be told). */
async function fileServices(engine: ComposeEngine): Promise<Set<string> | undefined> {
  const loaded = await engine.load().catch(() => undefined);
  return loaded && fileServiceNames(loaded.project);
}

/** Those of the named volumes that exist on the engine. */
async function existing(client: TscClient, names: string[]): Promise<string[]> {
  const found = await Promise.all(
    names.map((id) =>
      client.call("Volumes", "inspect", { id }).then(
        () => true,
        () => false,
      ),
    ),
  );
  return names.filter((_, i) => found[i]);
}
