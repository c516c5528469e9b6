import type { StackSpec } from "@tsc/manager";
import { Command, Option } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { parseDuration } from "../../ctl/parse-run.js";
import { toStackSpec } from "../convert/stack.js";
import type { ComposeEngine } from "../engine.js";
import type { ProgressMode } from "../progress.js";
import { Progress } from "../progress.js";
import { printWarnings } from "../warnings.js";
import { followLogs } from "./logs.js";
import { showTasks, waitFor } from "./wait.js";

interface UpFlags {
  detach?: boolean;
  scale?: string[];
  wait?: boolean;
  waitTimeout?: string;
  removeOrphans?: boolean;
  forceRecreate?: boolean;
  recreate: boolean;
  deps: boolean;
  start: boolean;
  pull?: "always" | "missing" | "never";
  timeout?: string;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  attach?: string[];
  progress: ProgressMode;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

/** Applies `--scale SVC=N` and `--pull` to the stack. */
function adjust(stack: StackSpec, flags: UpFlags): void {
  for (const s of flags.scale ?? []) {
    const [name, n] = s.split("=") as [string, string | undefined];
    const svc = stack.services.find((x) => x.name === name);
    if (!svc || n === undefined || !/^\d+$/.test(n))
      throw new ExitError(
        1,
        `tsc-compose: invalid --scale ${JSON.stringify(s)}${svc ? "" : `: no such service: ${name}`}`,
      );
    svc.replicas = Number(n);
  }
  if (flags.pull) for (const s of stack.services) s.container.pull = flags.pull;
}

/** `up`: deploys the project on the engine and waits for it (or, attached, streams its logs). */
export function upCommand(engine: ComposeEngine): Command {
  return new Command("up")
    .description("Create and start containers")
    .option("-d, --detach", "detached mode: run containers in the background")
    .option("--scale <SERVICE=NUM>", "scale SERVICE to NUM instances (overrides the compose file)", collect)
    .option("--wait", "wait for services to be running|healthy (implies detached mode)")
    .option("--wait-timeout <seconds>", "maximum duration to wait for the project to be running|healthy")
    .option("--remove-orphans", "remove containers for services not defined in the compose file")
    .option("--force-recreate", "recreate containers even if their configuration hasn't changed")
    .option("--no-recreate", "if containers already exist, don't recreate them")
    .option("--no-deps", "don't start linked services")
    .option("--no-start", "don't start the services after creating them")
    .addOption(
      new Option("--pull <policy>", "pull image before running").choices(["always", "missing", "never"]),
    )
    .option("-t, --timeout <seconds>", "shutdown timeout in seconds when stopping attached containers")
    .option("--abort-on-container-exit", "stop all containers if any container was stopped")
    .option("--exit-code-from <service>", "return the exit code of the selected service container")
    .option("--attach <service>", "restrict attaching to the specified services", collect)
    .addOption(
      new Option("--progress <mode>", "progress output")
        .choices(["auto", "tty", "plain", "quiet", "json"])
        .default("auto"),
    )
    .argument("[service...]")
    .action(async (services: string[], flags: UpFlags) => {
      const loaded = await engine.load(services);
      printWarnings(loaded.warnings);
      const { stack, warnings } = toStackSpec(loaded.project, {
        configFiles: loaded.files,
        workingDir: loaded.projectDir,
      });
      printWarnings(warnings);
      adjust(stack, flags);
      const project = stack.project;
      const client = await engine.client();
      const existed = (await engine.view(project)).stack !== null;
      const progress = new Progress(flags.progress, "Running");
      for (const n of stack.networks.filter((x) => !x.external))
        progress.set("Network", n.name, existed ? "Running" : "Created", { done: true });
      for (const v of stack.volumes.filter((x) => !x.external))
        progress.set("Volume", v.name, existed ? "Running" : "Created", { done: true });
      const reply = await client.call<{
        created: string[];
        recreated: string[];
        unchanged: string[];
        removed: string[];
      }>("Stacks", "deploy", {
        stackJson: JSON.stringify(stack),
        forceRecreate: !!flags.forceRecreate,
        noRecreate: !flags.recreate,
        removeOrphans: !!flags.removeOrphans,
        services: services,
      });
      if (!flags.start) await client.call("Stacks", "setState", { project, services, action: "stop" });
      const healthy = !!flags.wait;
      const timeoutMs = flags.waitTimeout ? Number(flags.waitTimeout) * 1000 : 300_000;
      const wanted = services.length ? services : undefined;
      const verdict = flags.start
        ? await waitFor(engine, project, (v) => showTasks(v, project, wanted, progress, healthy), timeoutMs)
        : { done: true };
      progress.end();
      void reply;
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
  const client = await engine.client();
  const ac = new AbortController();
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write("Gracefully stopping... (press Ctrl+C again to force)\n");
    await client.call("Stacks", "setState", { project, services: [], action: "stop" });
    ac.abort();
  };
  const onSig = (): void => {
    if (stopping) process.exit(130);
    void stop();
  };
  process.on("SIGINT", onSig);
  process.on("SIGTERM", onSig);
  let exitCode = 0;
  try {
    await followLogs(engine, project, {
      services: flags.attach ?? [],
      follow: true,
      prefix: true,
      color: process.stdout.isTTY ?? false,
      timestamps: false,
      signal: ac.signal,
      onExit: (service, code) => {
        if (flags.exitCodeFrom === service) exitCode = code;
        if ((flags.abortOnContainerExit || flags.exitCodeFrom) && !stopping) {
          if (!flags.exitCodeFrom) exitCode = code;
          void stop();
        }
      },
    });
  } finally {
    process.off("SIGINT", onSig);
    process.off("SIGTERM", onSig);
  }
  void parseDuration;
  if (exitCode) throw new ExitError(exitCode);
}
