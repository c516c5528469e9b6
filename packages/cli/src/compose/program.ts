import { Command } from "commander";
import { TSC_VERSION } from "../common/version.js";
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
  program.version(TSC_VERSION, "-v, --version", "show the tsc-compose version");
  program.addCommand(configCommand(globals));
  program.addCommand(
    new Command("version")
      .description("Show the tsc-compose version information")
      .option("--short", "show only the version number")
      .action((flags: { short?: boolean }) => {
        process.stdout.write(flags.short ? `${TSC_VERSION}\n` : `tsc-compose version v${TSC_VERSION}\n`);
      }),
  );
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError("(run with --help for usage)");
  return program;
}
