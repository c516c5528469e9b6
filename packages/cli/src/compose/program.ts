import { Command } from "commander";
import { configCommand } from "./config-command.js";
import type { ComposeGlobalFlags } from "./global-options.js";
import { addComposeGlobalOptions } from "./global-options.js";

/** The `tsc-compose` command tree. */
export function composeProgram(): Command {
  const program = new Command("tsc-compose")
    .description("Define and run multi-container applications with tsc (Docker Compose v2 compatible)")
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  addComposeGlobalOptions(program);
  const globals = (): ComposeGlobalFlags => program.opts<ComposeGlobalFlags>();
  program.addCommand(configCommand(globals));
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}
