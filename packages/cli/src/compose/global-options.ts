import type { LoadOptions } from "@tsc/compose";
import type { Command } from "commander";
import { Option } from "commander";
import type { ProgressMode } from "./progress.js";
import { PROGRESS_MODES } from "./progress.js";

/** The global flags every `tsc-compose` command shares, as commander parses them. */
export interface ComposeGlobalFlags {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
  progress?: ProgressMode;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Adds Compose v2's global flags (`-f`, `-p`, `--project-directory`, `--env-file`, `--profile`, `--progress`). */
export function addComposeGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option("-f, --file <file>", "compose configuration file (repeatable; - for stdin)").argParser(
        collect,
      ),
    )
    .addOption(new Option("-p, --project-name <name>", "project name"))
    .addOption(
      new Option(
        "--project-directory <dir>",
        "alternate working directory (default: the first compose file's directory)",
      ),
    )
    .addOption(new Option("--env-file <file>", "alternate environment file (repeatable)").argParser(collect))
    .addOption(new Option("--profile <profile>", "profile to enable (repeatable)").argParser(collect))
    .addOption(new Option("--progress <mode>", "set type of progress output").choices(PROGRESS_MODES));
}

/**
 * Makes the global `--progress` the mode of the command about to run, unless the command was given
 * its own (`tsc-compose --progress json up` as Compose v2; `up --progress json` still works).
 */
export function applyGlobalProgress(program: Command, action: Command): void {
  const mode = program.opts<ComposeGlobalFlags>().progress;
  if (mode === undefined || action === program) return;
  if (!action.options.some((o) => o.attributeName() === "progress")) return;
  if (action.getOptionValueSource("progress") === "cli") return;
  action.setOptionValueWithSource("progress", mode, "cli");
}

/** Turns the global flags into loader options. */
export function loadOptionsFrom(flags: ComposeGlobalFlags, services: string[] = []): LoadOptions {
  return {
    files: flags.file,
    projectName: flags.projectName,
    projectDirectory: flags.projectDirectory,
    envFiles: flags.envFile,
    profiles: flags.profile,
    services: services.length > 0 ? services : undefined,
    readStdin: readAllStdin,
  };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
