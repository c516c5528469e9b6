import type { CreateContainerOptions } from "@tsc/agent";
import type { TscClient } from "@tsc/api";
import { isTscError } from "@tsc/core";
import type { Command } from "commander";
import { Option } from "commander";
import { flagCheck, parseCpus, parseGoInt } from "../common/flags.js";
import { parseBytes } from "../common/human.js";
import { ExitError } from "../common/run-cli.js";
import type { RunFlags } from "./parse-run.js";
import { buildCreateOptions } from "./parse-run.js";
import type { SessionFlags } from "./attach.js";
import { addSessionFlags, attachContainer, sessionOptions } from "./attach.js";
import { pullWithProgress, registryAuthFor } from "./pull.js";
import { checkTerminalInput } from "./session.js";
import type { Ctl } from "./shared.js";
import { collect, daemonError } from "./shared.js";

/** Adds the flags `run` and `create` share (Docker's names). */
export function addCreateFlags(cmd: Command): Command {
  return cmd
    .helpOption("--help", "display help for command")
    .option("-i, --interactive", "keep STDIN open even if not attached")
    .option("-t, --tty", "allocate a pseudo-TTY")
    .option("--name <name>", "assign a name to the container")
    .option("-p, --publish <spec>", "publish a container's port(s) to the host", collect)
    .option("-P, --publish-all", "publish all exposed ports to random ports")
    .option("-e, --env <KEY=VALUE>", "set environment variables", collect)
    .option("--env-file <file>", "read in a file of environment variables", collect)
    .option("-v, --volume <spec>", "bind mount a volume", collect)
    .option("--mount <spec>", "attach a filesystem mount to the container", collect)
    .option("--tmpfs <path>", "mount a tmpfs directory", collect)
    .option("--network <network>", "connect a container to a network", "bridge")
    .option("--network-alias <alias>", "add network-scoped alias for the container", collect)
    .option("--ip <address>", "IPv4 address (e.g., 172.30.100.104)")
    .option("-h, --hostname <name>", "container host name")
    .option("--restart <policy>", "restart policy to apply when a container exits", "no")
    .option("-w, --workdir <dir>", "working directory inside the container")
    .option("-u, --user <user>", "username or UID (format: <name|uid>[:<group|gid>])")
    .option("--entrypoint <cmd>", "overwrite the default ENTRYPOINT of the image")
    .option("--init", "run an init inside the container that forwards signals and reaps processes")
    .option("--read-only", "mount the container's root filesystem as read only")
    .option("--cap-add <cap>", "add Linux capabilities", collect)
    .option("--cap-drop <cap>", "drop Linux capabilities", collect)
    .option("--privileged", "give extended privileges to this container")
    .option("-m, --memory <bytes>", "memory limit", flagCheck(parseBytes))
    .option("--cpus <number>", "number of CPUs", flagCheck(parseCpus))
    .option("--pids-limit <n>", "tune container pids limit", flagCheck(parseGoInt))
    .option("--ulimit <name=soft:hard>", "ulimit options", collect)
    .option("--sysctl <k=v>", "sysctl options", collect)
    .option("-l, --label <k=v>", "set meta data on a container", collect)
    .option("--health-cmd <cmd>", "command to run to check health")
    .option("--health-interval <duration>", "time between running the check")
    .option("--health-retries <n>", "consecutive failures needed to report unhealthy", flagCheck(parseGoInt))
    .option("--health-timeout <duration>", "maximum time to allow one check to run")
    .option("--health-start-period <duration>", "start period for the container to initialize")
    .option("--health-start-interval <duration>", "time between checks during the start period")
    .option("--no-healthcheck", "disable any container-specified HEALTHCHECK")
    .option("--stop-signal <signal>", "signal to stop the container")
    .option("--stop-timeout <seconds>", "timeout (in seconds) to stop a container", flagCheck(parseGoInt))
    .option("--volumes-from <container>", "mount volumes from the specified container(s)", collect)
    .addOption(
      new Option("--pull <policy>", "pull image before running")
        .choices(["always", "missing", "never"])
        .default("missing"),
    )
    .option("--expose <port>", "expose a port or a range of ports", collect)
    .option("--dns <ip>", "set custom DNS servers", collect)
    .option("--add-host <host:ip>", "add a custom host-to-IP mapping", collect)
    .argument("<image>", "image to run")
    .argument("[command...]", "command and arguments")
    .passThroughOptions();
}

/**
 * Pulls first (with progress) when the image is missing and the policy allows, then creates (and
 * with `start`, starts) the container in one call.
 */
export async function createContainer(
  ctl: Ctl,
  opts: CreateContainerOptions,
  then: { start?: boolean } = {},
): Promise<string> {
  const client = await ctl.client();
  const auth = await registryAuthFor(opts.image);
  const create = () =>
    client.call<{ id: string }>("Containers", "create", {
      specJson: JSON.stringify(opts),
      registryAuth: auth,
      start: then.start ?? false,
    });
  if (opts.pull === "always") {
    await pullWithProgress(client, opts.image, process.stderr);
    return (await create()).id;
  }
  try {
    return (await create()).id;
  } catch (e) {
    if (!isTscError(e, "NotFound") || opts.pull === "never" || !/image/i.test(e.message)) throw e;
  }
  process.stderr.write(`Unable to find image '${opts.image}' locally\n`);
  await pullWithProgress(client, opts.image, process.stderr);
  return (await create()).id;
}

/**
 * The create options of `run`/`create`; a flag value they refuse (a missing --env-file, a bad
 * port) ends the command as Docker's flag errors do: exit 125 and the command's help hint.
 */
function createOptionsOrUsageError(
  name: string,
  flags: RunFlags,
  image: string,
  command: string[],
): CreateContainerOptions {
  try {
    return buildCreateOptions(flags, image, command);
  } catch (e) {
    if (!isTscError(e)) throw e;
    throw usageError(name, e.message);
  }
}

/** Docker's usage error of `name`: the message, a pointer to the help, exit code 125. */
function usageError(name: string, message: string): ExitError {
  return new ExitError(125, `tscctl: ${message}\nSee 'tscctl ${name} --help'.`);
}

/** A failed start as `run` reports it: 127 when the command is not found, 126 when it cannot be run, 125 otherwise. */
function startFailureCode(msg: string): number {
  return /executable file not found|no such file/i.test(msg)
    ? 127
    : /permission denied/i.test(msg)
      ? 126
      : 125;
}

/** A failed start of an attached `run`; with `--rm` the container is removed first. */
async function startFailure(client: TscClient, id: string, rm: boolean, e: unknown): Promise<ExitError> {
  const msg = daemonError(e);
  if (rm)
    await client.call("Containers", "remove", { id, force: true, volumes: true }).catch(() => undefined);
  return new ExitError(startFailureCode(msg), msg);
}

/**
 * `run`: create and start; unless -d, attached (stdin too with -i) until the container exits, then
 * exit with its code.
 */
export function runCommand(program: Command, ctl: Ctl): void {
  addSessionFlags(
    addCreateFlags(program.command("run").description("Create and run a new container from an image"))
      .option("-d, --detach", "run container in background and print container ID")
      .option("--rm", "automatically remove the container when it exits"),
  ).action(async (image: string, command: string[], flags: RunFlags & SessionFlags) => {
    const opts = createOptionsOrUsageError("run", flags, image, command);
    // Docker refuses both forms, attached or not (the container would be removed while restarting).
    if (flags.rm && (flags.restart ?? "no").split(":")[0] !== "no")
      throw usageError("run", "Conflicting options: --restart and --rm");
    const attached = !flags.detach;
    if (!attached) {
      // One call: the daemon attaches networks while runc creates the container. A start that
      // fails leaves the container created (removed with --rm), as Docker does.
      const id = await createContainer(ctl, opts, { start: true }).catch((e: unknown) => {
        const msg = daemonError(e);
        throw new ExitError(startFailureCode(msg), msg);
      });
      process.stdout.write(`${id}\n`);
      return;
    }
    checkTerminalInput(!!flags.interactive, !!flags.tty);
    const session = sessionOptions(flags);
    // Attached runs remove the container themselves once its output is read; their stdin is the
    // session's (StdinOnce: its end closes the container's).
    const id = await createContainer(ctl, {
      ...opts,
      autoRemove: false,
      ...(flags.interactive ? { stdinOnce: true } : {}),
    }).catch((e: unknown) => {
      throw new ExitError(125, daemonError(e));
    });
    const client = await ctl.client();
    const r = await attachContainer(client, id, {
      start: true,
      stdin: !!flags.interactive,
      tty: !!flags.tty,
      ...session,
    }).catch(async (e: unknown) => {
      throw await startFailure(client, id, !!flags.rm, e);
    });
    if (r.detached) return;
    const exitCode =
      r.exitCode ?? (await client.call<{ exitCode: number }>("Containers", "wait", { id })).exitCode;
    if (flags.rm) await client.call("Containers", "remove", { id, force: true, volumes: true });
    if (exitCode !== 0) throw new ExitError(exitCode);
  });
  addCreateFlags(program.command("create").description("Create a new container")).action(
    async (image: string, command: string[], flags: RunFlags) => {
      const opts = createOptionsOrUsageError("create", flags, image, command);
      const id = await createContainer(ctl, opts).catch((e: unknown) => {
        throw new ExitError(125, daemonError(e));
      });
      process.stdout.write(`${id}\n`);
    },
  );
}
