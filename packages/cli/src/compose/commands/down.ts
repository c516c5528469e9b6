import { Command, Option } from "commander";
import { stopTimeoutOption } from "../../common/stop-timeout.js";
import type { ComposeEngine } from "../engine.js";
import { ONEOFF_LABEL } from "./one-off.js";
import type { ProgressMode } from "../progress.js";
import { Progress } from "../progress.js";

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
      for (const c of containers) progress.set("Container", c.names[0]!.slice(1), "Stopping");
      // One-off (`run`) containers live outside the manager: remove them here, before the networks go.
      for (const c of containers)
        if (c.labels[ONEOFF_LABEL] === "True") {
          await client.call("Containers", "stop", { id: c.id, timeout: f.timeout ?? -1 });
          await client.call("Containers", "remove", { id: c.id, force: true, volumes: !!f.volumes });
        }
      await client.call("Stacks", "remove", {
        project,
        volumes: !!f.volumes,
        ...(f.timeout !== undefined && { timeout: f.timeout }),
      });
      for (const c of containers) progress.set("Container", c.names[0]!.slice(1), "Removed", { done: true });
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
