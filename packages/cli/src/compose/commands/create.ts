import { Command } from "commander";
import type { ComposeEngine } from "../engine.js";
import type { DeployFlags } from "./deploy.js";
import { addDeployOptions, deployProject, showCreated } from "./deploy.js";

/** `create`: stores the project on the engine with its services created but not started (`up --no-start`). */
export function createCommand(engine: ComposeEngine): Command {
  return addDeployOptions(new Command("create").description("Creates containers for a service"))
    .argument("[service...]")
    .action(async (services: string[], flags: DeployFlags) => {
      const {
        stack,
        services: deployed,
        progress,
      } = await deployProject(engine, services, { ...flags, stopped: true }, "Creating");
      try {
        await showCreated(engine, stack.project, deployed, progress);
      } finally {
        progress.end();
      }
    });
}
