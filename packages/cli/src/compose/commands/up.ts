import { Command } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { stopTimeoutOption } from "../../common/stop-timeout.js";
import { collect } from "../../ctl/shared.js";
import type { ComposeEngine } from "../engine.js";
import type { DeployFlags } from "./deploy.js";
import { addDeployOptions, deployProject, showCreated } from "./deploy.js";
import { followLogs } from "./logs.js";
import { stopServices } from "./stop.js";
import { showTasks, waitFor } from "./wait.js";

interface UpFlags extends DeployFlags {
  detach?: boolean;
  wait?: boolean;
  waitTimeout?: string;
  deps: boolean;
  start: boolean;
  timeout?: number;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  attach?: string[];
}

/** `up`: deploys the project on the engine and waits for it (or, attached, streams its logs). */
export function upCommand(engine: ComposeEngine): Command {
  return addDeployOptions(
    new Command("up")
      .description("Create and start containers")
      .option("-d, --detach", "detached mode: run containers in the background")
      .option("--wait", "wait for services to be running|healthy (implies detached mode)")
      .option("--wait-timeout <seconds>", "maximum duration to wait for the project to be running|healthy")
      .option("--no-deps", "don't start linked services")
      .option("--no-start", "don't start the services after creating them")
      .addOption(
        stopTimeoutOption(
          "-t, --timeout <seconds>",
          "shutdown timeout in seconds when stopping attached containers",
        ),
      )
      .option("--abort-on-container-exit", "stop all containers if any container was stopped")
      .option("--exit-code-from <service>", "return the exit code of the selected service container")
      .option("--attach <service>", "restrict attaching to the specified services", collect),
  )
    .argument("[service...]")
    .action(async (services: string[], flags: UpFlags) => {
      // `up SERVICE` also brings up what SERVICE depends on (unless --no-deps): show and wait for those too.
      const {
        stack,
        services: deployed,
        progress,
        before,
      } = await deployProject(engine, services, { ...flags, stopped: !flags.start }, "Running");
      const project = stack.project;
      if (!flags.start) await showCreated(engine, project, deployed, progress);
      const healthy = !!flags.wait;
      const timeoutMs = flags.waitTimeout ? Number(flags.waitTimeout) * 1000 : 300_000;
      const wanted = services.length ? deployed : undefined;
      const verdict = flags.start
        ? await waitFor(
            engine,
            project,
            (v) => showTasks(v, { project, services: wanted, progress, healthy, before }),
            timeoutMs,
          )
        : { done: true };
      progress.end();
      if (verdict.failed) throw new ExitError(1, `tsc-compose: ${verdict.failed}`);
      if ("timedOut" in verdict && verdict.timedOut)
        throw new ExitError(
          1,
          `tsc-compose: timed out after ${timeoutMs / 1000}s waiting for the project to be ${healthy ? "healthy" : "running"}`,
        );
      if (flags.detach || flags.wait || !flags.start) return;
      await attached(engine, project, flags);
    });
}

/** Attached `up`: prefixed logs until Ctrl-C (which stops the project) or, if asked, the first exit. */
async function attached(engine: ComposeEngine, project: string, flags: UpFlags): Promise<void> {
  const ac = new AbortController();
  let stopping: Promise<void> | undefined;
  // As Compose: say why, stop the project's containers (keeping them) with their progress lines,
  // and only then stop following their output, so what they print while stopping is shown.
  const stop = (why: string): Promise<void> =>
    (stopping ??= (async () => {
      process.stdout.write(`${why}\n`);
      try {
        const timedOut = await stopServices(engine, project, [], flags.timeout);
        if (timedOut) process.stderr.write(`${timedOut}\n`);
      } finally {
        ac.abort();
      }
    })());
  const onSig = (): void => {
    if (stopping) process.exit(130);
    void stop("Gracefully stopping... (press Ctrl+C again to force)");
  };
  process.on("SIGINT", onSig);
  process.on("SIGTERM", onSig);
  const attachedTo = await engine.containers(project, { all: false, services: flags.attach ?? [] });
  process.stdout.write(`Attaching to ${attachedTo.map((c) => c.names[0]!.slice(1)).join(", ")}\n`);
  let exitCode = 0;
  try {
    await followLogs(engine, project, {
      services: flags.attach ?? [],
      follow: true,
      prefix: true,
      color: process.stdout.isTTY ?? false,
      timestamps: false,
      signal: ac.signal,
      drainMs: 1000,
      onExit: (service, code) => {
        if (flags.exitCodeFrom === service && !stopping) exitCode = code;
        if ((flags.abortOnContainerExit || flags.exitCodeFrom) && !stopping) {
          if (!flags.exitCodeFrom) exitCode = code;
          void stop("Aborting on container exit...");
        }
      },
    });
    await stopping;
  } finally {
    process.off("SIGINT", onSig);
    process.off("SIGTERM", onSig);
  }
  if (exitCode) throw new ExitError(exitCode);
}
