import type { EventMessage, TopReply } from "@tsc/api";
import { isTscError } from "@tsc/core";
import { Command } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { renderTable } from "../../common/table.js";
import { stopTimeoutOption } from "../../common/stop-timeout.js";
import { daemonError } from "../../ctl/shared.js";
import type { ComposeEngine } from "../engine.js";
import { Progress } from "../progress.js";
import { imagesCommand } from "./images.js";
import { stopServices } from "./stop.js";
import { containerName, isFinished, runningBefore, showTasks, waitFor } from "./wait.js";

/** `start`, `stop`, `restart`: service state on the engine, with Compose's progress lines. */
function stateCommand(
  engine: ComposeEngine,
  action: "start" | "stop" | "restart",
  description: string,
): Command {
  return new Command(action)
    .description(description)
    .addOption(stopTimeoutOption("-t, --timeout <seconds>", "shutdown timeout in seconds"))
    .argument("[service...]")
    .action(async (services: string[], flags: { timeout?: number }) => {
      const project = await engine.projectName();
      const fail = async (e: unknown): Promise<never> => {
        throw new ExitError(1, (await noContainer(engine, project, action, services, e)) ?? daemonError(e));
      };
      if (action === "stop") {
        const timedOut = await stopServices(engine, project, services, flags.timeout).catch(fail);
        if (timedOut) throw new ExitError(1, timedOut);
        return;
      }
      const client = await engine.client();
      const before = await engine.containers(project, { all: true, services });
      const request = {
        project,
        services,
        action,
        ...(flags.timeout !== undefined && { timeout: flags.timeout }),
      };
      const reply = await client.call<{ restartToken: string }>("Stacks", "setState", request).catch(fail);
      const progress = new Progress(engine.progressMode(), "Running");
      // Restart: running containers restart in place (Restarting → Started); ended ones are
      // replaced, which the orchestrator starts a moment later.
      for (const c of before)
        if (c.state === "running") progress.set("Container", c.names[0]!.slice(1), "Restarting");
      await new Promise((r) => setTimeout(r, 200));
      const { restartToken } = reply;
      const verdict = await waitFor(
        engine,
        project,
        (v) => showTasks(v, { project, services, progress, ...(restartToken ? { restartToken } : {}) }),
        120_000,
      );
      progress.end();
      if (verdict.failed) throw new ExitError(1, `tsc-compose: ${verdict.failed}`);
    });
}

/**
 * Compose's words for `start` of a service the compose file has but the engine does not (removed
 * with `rm`, or never created): it has no container to start.
 */
async function noContainer(
  engine: ComposeEngine,
  project: string,
  action: string,
  services: string[],
  e: unknown,
): Promise<string | undefined> {
  if (action !== "start" || !isTscError(e, "NotFound")) return undefined;
  const inFile: string[] = await engine.load().then(
    (p) => Object.keys(p.project.services),
    () => [],
  );
  const onEngine = new Set((await engine.view(project)).services.map((s) => s.spec.name));
  const missing = services.find((s) => inFile.includes(s) && !onEngine.has(s));
  return missing && `tsc-compose: service "${missing}" has no container to start`;
}

/** Runs `rpc` on each container of the chosen services, printing Compose's lines. */
function perContainer(
  engine: ComposeEngine,
  name: string,
  description: string,
  rpc: string,
  done: string,
  extra?: (c: Command) => Command,
): Command {
  const cmd = new Command(name).description(description).argument("[service...]");
  (extra ? extra(cmd) : cmd).action(async (services: string[], f: { signal?: string }) => {
    const project = await engine.projectName();
    const client = await engine.client();
    const containers = await engine.containers(project, { all: false, services });
    for (const c of containers) {
      await client
        .call("Containers", rpc, { id: c.id, signal: f.signal ?? "SIGKILL" })
        .catch((e: unknown) => {
          throw new ExitError(1, daemonError(e));
        });
      process.stderr.write(` Container ${c.names[0]!.slice(1)}  ${done}\n`);
    }
  });
  return cmd;
}

/** The engine commands beyond up/down/ps/logs. */
export function lifecycleCommands(engine: ComposeEngine): Command[] {
  const scale = new Command("scale")
    .description("Scale services")
    .option("--no-deps", "don't start linked services")
    .argument("<service=replicas...>")
    .action(async (pairs: string[]) => {
      const project = await engine.projectName();
      const client = await engine.client();
      const names: string[] = [];
      const previous = await engine.view(project);
      const before = runningBefore(previous);
      const services = new Map(previous.services.map((s) => [s.spec.name, s]));
      for (const p of pairs) {
        const m = /^([^=]+)=(\d+)$/.exec(p);
        if (!m)
          throw new ExitError(1, `tsc-compose: invalid scale ${JSON.stringify(p)}: use SERVICE=REPLICAS`);
        await client
          .call("Stacks", "scale", { project, service: m[1], replicas: Number(m[2]) })
          .catch((e: unknown) => {
            throw new ExitError(1, daemonError(e));
          });
        names.push(m[1]!);
      }
      const progress = new Progress(engine.progressMode(), "Running");
      // The service's tasks that ran before: those the scale shuts down get Compose's lines.
      const leaving = new Map(
        previous.tasks
          .filter((t) => names.includes(t.service) && before.tasks.has(t.id))
          .map((t) => [t.id, t] as const),
      );
      const verdict = await waitFor(
        engine,
        project,
        (v) => {
          const shown = showTasks(v, { project, services: names, progress, before });
          // The containers a scale-down removes: Stopping, then Removed (also when their task is
          // already gone from the store), as Compose shows them.
          const extra = v.tasks.some(
            (t) => names.includes(t.service) && t.desiredState === "shutdown" && !isFinished(t.status.state),
          );
          const now = new Map(v.tasks.map((t) => [t.id, t]));
          for (const [id, old] of leaving) {
            const t = now.get(id);
            if (t?.desiredState === "running") continue;
            const gone = !t || isFinished(t.status.state);
            const name = containerName(project, services.get(old.service), old);
            progress.set("Container", name, gone ? "Removed" : "Stopping", { done: gone });
          }
          return { ...shown, done: shown.done && !extra };
        },
        300_000,
        true,
      );
      progress.end();
      if (verdict.failed) throw new ExitError(1, `tsc-compose: ${verdict.failed}`);
    });
  const ls = new Command("ls")
    .description("List running compose projects")
    .option("-a, --all", "show all stopped compose projects")
    .option("-q, --quiet", "only display project names")
    .option("--format <format>", "table or json", "table")
    .action(async (f: { quiet?: boolean; format: string }) => {
      const client = await engine.client();
      const list = JSON.parse((await client.call<{ json: string }>("Stacks", "list", {})).json) as {
        project: string;
        status: string;
        configFiles: string[];
      }[];
      if (f.quiet) return void process.stdout.write(list.map((s) => `${s.project}\n`).join(""));
      if (f.format === "json")
        return void process.stdout.write(
          `${JSON.stringify(list.map((s) => ({ Name: s.project, Status: s.status, ConfigFiles: s.configFiles.join(",") })))}\n`,
        );
      process.stdout.write(
        renderTable(
          ["NAME", "STATUS", "CONFIG FILES"],
          list.map((s) => [s.project, s.status, s.configFiles.join(",")]),
        ),
      );
    });
  const exec = new Command("exec")
    .description("Execute a command in a running container")
    .option("-d, --detach", "detached mode: run command in the background")
    .option("-e, --env <KEY=VAL>", "set environment variables", (v: string, p: string[] = []) => [...p, v])
    .option("-w, --workdir <dir>", "path to workdir directory for this command")
    .option("-u, --user <user>", "run the command as this user")
    .option("-T, --no-tty", "disable pseudo-TTY allocation")
    .option("--index <n>", "index of the container if service has multiple replicas", "1")
    .argument("<service>")
    .argument("<command...>")
    .passThroughOptions()
    .action(
      async (
        service: string,
        args: string[],
        f: { detach?: boolean; env?: string[]; workdir?: string; user?: string; index: string; tty: boolean },
      ) => {
        const project = await engine.projectName();
        const c = (await engine.containers(project, { all: false, services: [service] })).find(
          (x) => x.labels["com.docker.compose.container-number"] === f.index,
        );
        if (!c)
          throw new ExitError(
            1,
            `tsc-compose: service "${service}" is not running (no container with index ${f.index})`,
          );
        const { execInContainer } = await import("../../ctl/exec.js");
        const code = await execInContainer(await engine.client(), c.id, args, {
          detach: !!f.detach,
          env: f.env ?? [],
          workdir: f.workdir ?? "",
          user: f.user ?? "",
          // As Compose: always our stdin; a terminal when ours is one, unless -T.
          tty: f.tty && !!process.stdin.isTTY && !!process.stdout.isTTY,
          interactive: true,
        });
        if (code) throw new ExitError(code);
      },
    );
  const top = new Command("top")
    .description("Display the running processes")
    .argument("[service...]")
    .action(async (services: string[]) => {
      const project = await engine.projectName();
      const client = await engine.client();
      for (const c of await engine.containers(project, { all: false, services })) {
        const t = await client.call<TopReply>("Containers", "top", { id: c.id });
        process.stdout.write(
          `${c.names[0]!.slice(1)}\n${renderTable(
            t.titles,
            t.processes.map((p) => p.columns),
          )}\n`,
        );
      }
    });
  const port = new Command("port")
    .description("Print the public port for a port binding")
    .option("--protocol <proto>", "tcp or udp", "tcp")
    .option("--index <n>", "index of the container if service has multiple replicas", "1")
    .argument("<service>")
    .argument("<private_port>")
    .action(async (service: string, privatePort: string, f: { protocol: string; index: string }) => {
      const project = await engine.projectName();
      const c = (await engine.containers(project, { all: true, services: [service] })).find(
        (x) => x.labels["com.docker.compose.container-number"] === f.index,
      );
      const p = c?.ports.find(
        (x) => x.privatePort === Number(privatePort) && x.type === f.protocol && x.publicPort,
      );
      if (!p)
        throw new ExitError(
          1,
          `tsc-compose: no port ${privatePort}/${f.protocol} for container ${service}-${f.index}`,
        );
      process.stdout.write(`${p.ip}:${p.publicPort}\n`);
    });
  const pull = new Command("pull")
    .description("Pull service images")
    .option("-q, --quiet", "pull without printing progress information")
    .option("--ignore-pull-failures", "pull what it can and ignores images with pull failures")
    .argument("[service...]")
    .action(async (services: string[], f: { quiet?: boolean; ignorePullFailures?: boolean }) => {
      const loaded = await engine.load(services);
      const { pullWithProgress } = await import("../../ctl/pull.js");
      const client = await engine.client();
      for (const [name, svc] of Object.entries(loaded.project.services)) {
        if (!svc.image) continue;
        try {
          await pullWithProgress(
            client,
            svc.image,
            f.quiet
              ? (Object.assign(Object.create(process.stderr), {
                  write: () => true,
                  isTTY: false,
                }) as NodeJS.WriteStream)
              : process.stderr,
          );
          if (!f.quiet) process.stderr.write(` ${name} Pulled\n`);
        } catch (e) {
          if (!f.ignorePullFailures) throw new ExitError(1, daemonError(e));
          process.stderr.write(` ${name} Error ${(e as Error).message}\n`);
        }
      }
    });
  const events = new Command("events")
    .description("Receive real time events from containers")
    .option("--json", "output events as a stream of json objects")
    .argument("[service...]")
    .action(async (services: string[], f: { json?: boolean }) => {
      const project = await engine.projectName();
      const client = await engine.client();
      const stream = client.serverStream<EventMessage>("System", "events", {
        since: "",
        until: "",
        filters: ["type=container", `label=com.docker.compose.project=${project}`],
      });
      for await (const e of stream as AsyncIterable<EventMessage>) {
        const service = e.attributes["com.docker.compose.service"] ?? "";
        if (services.length && !services.includes(service)) continue;
        if (f.json)
          process.stdout.write(
            `${JSON.stringify({ time: e.time, type: "container", action: e.action, id: e.id, service, attributes: e.attributes })}\n`,
          );
        else
          process.stdout.write(
            `${e.time} container ${e.action} ${e.id} (${Object.entries(e.attributes)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")})\n`,
          );
      }
    });
  const wait = new Command("wait")
    .description("Block until containers of all (or specified) services stop")
    .option("--down-project", "drops project when the first container stops")
    .argument("[service...]")
    .action(async (services: string[], f: { downProject?: boolean }) => {
      const project = await engine.projectName();
      const client = await engine.client();
      const containers = await engine.containers(project, { all: true, services });
      const codes = await Promise.all(
        containers.map((c) => client.call<{ exitCode: number }>("Containers", "wait", { id: c.id })),
      );
      for (const [i, c] of containers.entries())
        process.stdout.write(`${c.names[0]!.slice(1)} exited with code ${codes[i]!.exitCode}\n`);
      if (f.downProject) await client.call("Stacks", "remove", { project, volumes: false });
      const first = codes.find((x) => x.exitCode !== 0);
      if (first) throw new ExitError(first.exitCode);
    });
  return [
    stateCommand(engine, "start", "Start services"),
    stateCommand(engine, "stop", "Stop services"),
    stateCommand(engine, "restart", "Restart service containers"),
    scale,
    perContainer(engine, "kill", "Force stop service containers", "kill", "Killed", (c) =>
      c.option("-s, --signal <signal>", "SIGNAL to send to the container", "SIGKILL"),
    ),
    perContainer(engine, "pause", "Pause services", "pause", "Paused"),
    perContainer(engine, "unpause", "Unpause services", "unpause", "Unpaused"),
    exec,
    top,
    port,
    imagesCommand(engine),
    pull,
    ls,
    events,
    wait,
  ];
}
