import type { PruneReply } from "@tsc/api";
import { Command, CommanderError } from "commander";
import { confirmPrune, printPruned } from "../common/confirm.js";
import { commandPath, dockerFlagError } from "../common/flags.js";
import { TSC_VERSION } from "../common/version.js";
import { attachCommands } from "./attach.js";
import { lifecycleCommands, inspectionCommands, logsCommand } from "./containers.js";
import { CtlContext } from "./context.js";
import type { CtlGlobalFlags } from "./context.js";
import { cpCommand } from "./cp.js";
import { execCommand } from "./exec.js";
import { imageCommands } from "./images.js";
import { inspectCommand, inspectRefs } from "./inspect.js";
import { loginCommands } from "./login.js";
import { networkCommands, volumeCommands } from "./networks.js";
import { psCommand } from "./ps.js";
import { runCommand } from "./run.js";
import { statsCommand } from "./stats.js";
import type { Ctl } from "./shared.js";
import { systemCommands } from "./system.js";

/** Docker's exit code for a bad flag or command line. */
export const USAGE_EXIT = 125;

/** `tscctl`: Docker's commands and flags over tscd's API. */
export function ctlProgram(): { program: Command; close: () => void } {
  const program = new Command("tscctl")
    .description("A self-sufficient runtime for containers (talks to tscd)")
    .option(
      "-H, --host <address>",
      "daemon socket to connect to (unix:///path or tcp://HOST:PORT; env TSC_HOST)",
    )
    .option("--tlscacert <file>", "trust certs signed only by this CA")
    .option("--tlscert <file>", "path to TLS certificate file")
    .option("--tlskey <file>", "path to TLS key file")
    .option("--tlsverify", "use TLS and verify the remote (implied by the certificate flags)")
    .version(`tscctl version ${TSC_VERSION}`, "-v, --version", "print version information and quit")
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .configureOutput({
      outputError: (str, write) => write(dockerFlagError(str).replace(/^error: /, "tscctl: ")),
    });
  let ctx: CtlContext | undefined;
  const ctl: Ctl = {
    get ctx() {
      ctx ??= new CtlContext(program.opts<CtlGlobalFlags>());
      return ctx;
    },
    client: () => ctl.ctx.connect(),
  };
  runCommand(program, ctl);
  attachCommands(program, ctl);
  lifecycleCommands(program, ctl);
  psCommand(program, ctl);
  logsCommand(program, ctl);
  execCommand(program, ctl);
  cpCommand(program, ctl);
  inspectCommand(program, ctl);
  inspectionCommands(program, ctl);
  statsCommand(program, ctl);
  imageCommands(program, ctl);
  loginCommands(program, ctl);
  networkCommands(program, ctl);
  volumeCommands(program, ctl);
  systemCommands(program, ctl);
  const container = program.command("container").description("Manage containers");
  container
    .command("inspect")
    .description("Display detailed information on one or more containers")
    .option("-f, --format <template>", "format the output using a Go template, or 'json'")
    .option("-s, --size", "display total file sizes")
    .argument("<container...>")
    .action((refs: string[], o: { format?: string; size?: boolean }) =>
      inspectRefs(ctl, refs, ["container"], o.format, o.size ?? false),
    );
  container
    .command("prune")
    .description("Remove all stopped containers")
    .option("-f, --force", "do not prompt for confirmation")
    .action(async (o: { force?: boolean }) => {
      if (!(await confirmPrune("This will remove all stopped containers.", o.force))) return;
      const r = await (await ctl.client()).call<PruneReply>("Containers", "prune", {});
      printPruned([["Containers", r.deleted]], r.spaceReclaimed);
    });
  container
    .command("ls")
    .alias("ps")
    .description("List containers (same as `tscctl ps`)")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (_o: unknown, cmd: Command) => {
      await program.parseAsync(["ps", ...cmd.args], { from: "user" });
    });
  // Bad flags exit 125 with Docker's hint line.
  const exitOverride = (c: Command): void => {
    c.exitOverride((err: CommanderError) => {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      )
        throw err;
      if (err.exitCode !== 0) process.stderr.write(`See '${commandPath(c)} --help'.\n`);
      throw new CommanderError(err.exitCode === 0 ? 0 : USAGE_EXIT, err.code, err.message);
    });
    for (const sub of c.commands) exitOverride(sub);
  };
  exitOverride(program);
  return { program, close: () => ctx?.close() };
}
