import type { StoredService } from "@tsc/manager";
import { Command, Option } from "commander";
import { stopTimeoutOption } from "../../common/stop-timeout.js";
import type { ComposeEngine } from "../engine.js";
import { SERVICE_LABEL } from "../convert/container.js";
import { ONEOFF_LABEL } from "./one-off.js";
import type { ProgressMode } from "../progress.js";
import { Progress } from "../progress.js";
import { waitFor } from "./wait.js";

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
    .addOption(
      new Option("--progress <mode>", "progress output")
        .choices(["auto", "tty", "plain", "quiet", "json"])
        .default("auto"),
    )
    .action(async (f: { volumes?: boolean; rmi?: string; timeout?: number; progress: ProgressMode }) => {
      const project = await engine.projectName();
      const client = await engine.client();
      const view = await engine.view(project);
      const containers = await engine.containers(project, { all: true });
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
        for (const c of ofServices(layer)) progress.set("Container", name(c), "Stopping");
        await client.call("Stacks", "setState", {
          project,
          services: layer,
          action: "stop",
          ...(f.timeout !== undefined && { timeout: f.timeout }),
        });
        await waitFor(
          engine,
          project,
          (v) => ({ done: !v.tasks.some((t) => layer.includes(t.service) && t.status.state === "running") }),
          120_000,
          true,
        );
        for (const c of ofServices(layer)) progress.set("Container", name(c), "Stopped");
      }
      for (const c of ofServices(layers.at(-1) ?? [])) progress.set("Container", name(c), "Stopping");
      await client.call("Stacks", "remove", {
        project,
        volumes: !!f.volumes,
        ...(f.timeout !== undefined && { timeout: f.timeout }),
      });
      for (const c of containers) progress.set("Container", name(c), "Removed", { done: true });
      for (const n of view.stack?.networks ?? [])
        if (!n.external) progress.set("Network", n.name, "Removed", { done: true });
      if (f.volumes)
        for (const v of view.stack?.volumes ?? [])
          if (!v.external) progress.set("Volume", v.name, "Removed", { done: true });
      if (f.rmi)
        for (const image of new Set(view.services.map((s) => s.spec.container.image)))
          await client.call("Images", "remove", { reference: image, force: false }).then(
            () => progress.set("Image", image, "Removed", { done: true }),
            () => undefined,
          );
      progress.end();
    });
}
