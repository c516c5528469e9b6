import { Command } from "commander";
import { TSC_VERSION } from "../common/version.js";
import { createCommand } from "./commands/create.js";
import { downCommand } from "./commands/down.js";
import { lifecycleCommands } from "./commands/lifecycle.js";
import { logsCommand } from "./commands/logs.js";
import { psCommand } from "./commands/ps.js";
import { pushCommand } from "./commands/push.js";
import { rmCommand } from "./commands/rm.js";
import { runCommand } from "./commands/run.js";
import { upCommand } from "./commands/up.js";
import { configCommand } from "./config-command.js";
import { addHostOption, ComposeEngine } from "./engine.js";
import type { ComposeGlobalFlags } from "./global-options.js";
import { addComposeGlobalOptions, applyGlobalProgress } from "./global-options.js";

/** The `tsc-compose` command tree (and the engine connection its commands share, to close at exit). */
export function composeProgram(): Command & { engine?: ComposeEngine } {
  const program = new Command("tsc-compose")
    .description("Define and run multi-container applications with tsc (Docker Compose v2 compatible)")
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  addComposeGlobalOptions(program);
  addHostOption(program);
  program.hook("preAction", (_program, action) => applyGlobalProgress(program, action));
  const globals = (): ComposeGlobalFlags & { host?: string } =>
    program.opts<ComposeGlobalFlags & { host?: string }>();
  const engine = new ComposeEngine(globals);
  program.version(TSC_VERSION, "-v, --version", "show the tsc-compose version");
  program.addCommand(configCommand(globals));
  for (const cmd of [
    upCommand(engine),
    downCommand(engine),
    createCommand(engine),
    runCommand(engine),
    rmCommand(engine),
    psCommand(engine),
    logsCommand(engine),
    ...lifecycleCommands(engine),
    pushCommand(engine),
  ])
    program.addCommand(cmd);
  program.addCommand(
    new Command("version")
      .description("Show the tsc-compose version information")
      .option("--short", "show only the version number")
      .action((flags: { short?: boolean }) => {
        process.stdout.write(flags.short ? `${TSC_VERSION}\n` : `tsc-compose version v${TSC_VERSION}\n`);
      }),
  );
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError("(run with --help for usage)");
  return Object.assign(program, { engine });
}
