import { randomBytes } from "node:crypto";
import type { TscClient } from "@tsc/api";
import { noSuchService } from "@tsc/compose";
import { isTscError } from "@tsc/core";
import type { ServiceSpec, StackSpec } from "@tsc/manager";
import { Command, Option } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { attachContainer } from "../../ctl/attach.js";
import { createContainer } from "../../ctl/run.js";
import { collect, daemonError } from "../../ctl/shared.js";
import { toStackSpec } from "../convert/stack.js";
import type { ComposeEngine, StackView } from "../engine.js";
import { printWarnings } from "../warnings.js";
import { deployProject } from "./deploy.js";
import type { OneOffNetwork, RunFlags } from "./one-off.js";
import { oneOffRequest, pickAddress, serviceNetworks } from "./one-off.js";
import type { Convergence } from "./wait.js";
import { showTasks, waitFor } from "./wait.js";

/** The label of local copies of cluster networks (the agent's CLUSTER_NETWORK_LABEL). */
const CLUSTER_NETWORK_LABEL = "com.tsc.cluster.network";

/** A stack network as the cluster allocated it, with the addresses its tasks hold. */
interface Allocation {
  name: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  used: string[];
}

/** Whether the depends_on conditions of `spec` hold in `view` (as the orchestrator gates a slot). */
export function dependenciesMet(spec: ServiceSpec, view: StackView): boolean {
  return Object.entries(spec.dependsOn).every(([dep, d]) => {
    const svc = view.services.find((s) => s.spec.name === dep);
    if (!svc) return !d.required;
    const tasks = view.tasks.filter((t) => t.service === dep);
    if (d.condition === "service_completed_successfully")
      return tasks.some((t) => t.status.state === "complete" && (t.status.exitCode ?? 0) === 0);
    const running = tasks.filter((t) => t.status.state === "running");
    if (d.condition === "service_started")
      return running.length > 0 || tasks.some((t) => t.status.state === "complete");
    const checked = svc.spec.healthcheck && svc.spec.healthcheck.test[0] !== "NONE";
    return running.some((t) => !checked || t.status.health === "healthy");
  });
}

/** Brings up the dependencies of `spec` through the engine (as `up` would) and waits for its conditions. */
async function startDependencies(engine: ComposeEngine, spec: ServiceSpec, deps: string[]): Promise<void> {
  const { stack, progress, before } = await deployProject(
    engine,
    [spec.name],
    { recreate: true, progress: engine.progressMode(), only: deps },
    "Running",
  );
  const verdict = await waitFor(
    engine,
    stack.project,
    (v): Convergence => {
      const shown = showTasks(v, { project: stack.project, services: deps, progress, before });
      return shown.failed ? shown : { done: dependenciesMet(spec, v) };
    },
    300_000,
  ).finally(() => progress.end());
  if (verdict.failed) throw new ExitError(1, `tsc-compose: dependency failed to start: ${verdict.failed}`);
  if ("timedOut" in verdict && verdict.timedOut)
    throw new ExitError(1, `tsc-compose: timed out waiting for the dependencies of ${spec.name}`);
}

/** Makes sure a local copy of each network exists (as the agent makes them for tasks); returns each with an address for the one-off. */
async function joinNetworks(client: TscClient, allocations: Allocation[]): Promise<OneOffNetwork[]> {
  const out: OneOffNetwork[] = [];
  for (const a of allocations) {
    const { networks } = await client.call<{ networks: { id: string; name: string; subnet: string }[] }>(
      "Networks",
      "list",
      { filters: [] },
    );
    let local = networks.find((n) => n.name === a.name);
    if (local && local.subnet !== a.subnet) {
      // A stale copy from an earlier stack of that name; it goes if nothing uses it.
      await client.call("Networks", "remove", { id: local.id }).catch((e: unknown) => {
        throw new ExitError(1, `tsc-compose: network ${a.name}: ${daemonError(e)}`);
      });
      local = undefined;
    }
    if (!local)
      await client
        .call("Networks", "create", {
          name: a.name,
          driver: "bridge",
          subnet: a.subnet,
          gateway: a.gateway,
          internal: a.internal,
          labels: { [CLUSTER_NETWORK_LABEL]: "true" },
        })
        .catch((e: unknown) => {
          if (!isTscError(e, "AlreadyExists")) throw e;
        });
    const doc = JSON.parse(
      (await client.call<{ json: string }>("Networks", "inspect", { id: a.name })).json,
    ) as { Containers: Record<string, { IPv4Address: string }> };
    const used = [...a.used, ...Object.values(doc.Containers).map((c) => c.IPv4Address.split("/")[0]!)];
    const address = pickAddress(a.subnet, a.gateway, used);
    out.push({ name: a.name, ...(address ? { address } : {}) });
  }
  return out;
}

/** Creates the one-off container on the project's networks; retried when the network or address went meanwhile. */
async function createOneOff(
  engine: ComposeEngine,
  stack: StackSpec,
  spec: ServiceSpec,
  build: (networks: OneOffNetwork[]) => Parameters<typeof createContainer>[1],
): Promise<string> {
  const client = await engine.client();
  const wanted = serviceNetworks(spec, stack.networks);
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await client.call<{ json: string }>("Stacks", "networks", {
        stackJson: JSON.stringify({ ...stack, services: [] }),
      });
      const all = JSON.parse(reply.json) as Allocation[];
      const joined = await joinNetworks(
        client,
        wanted.flatMap((n) => all.find((a) => a.name === n.name) ?? []),
      );
      const networks = joined.map((n) => ({ ...n, aliases: wanted.find((w) => w.name === n.name)?.aliases }));
      return await createContainer(engine, build(networks));
    } catch (e) {
      const retry =
        (isTscError(e, "NotFound") && /network/i.test(e.message)) ||
        (isTscError(e, "FailedPrecondition") && /address .* in use/i.test(e.message));
      if (!isTscError(e)) throw e;
      if (!retry || attempt >= 3) throw new ExitError(1, daemonError(e));
    }
  }
}

/** Starts the one-off: detached, or attached until it exits (then removed with `rm`); returns its exit code. */
async function runOneOff(
  client: TscClient,
  id: string,
  o: { detach: boolean; rm: boolean; stdin: boolean; tty: boolean },
): Promise<number> {
  try {
    if (o.detach) {
      await client.call("Containers", "start", { id });
      return 0;
    }
    const r = await attachContainer(client, id, { start: true, stdin: o.stdin, tty: o.tty });
    const code =
      r.exitCode ?? (await client.call<{ exitCode: number }>("Containers", "wait", { id })).exitCode;
    if (o.rm) await client.call("Containers", "remove", { id, force: true, volumes: true });
    return code;
  } catch (e) {
    if (o.rm)
      await client.call("Containers", "remove", { id, force: true, volumes: true }).catch(() => undefined);
    throw new ExitError(1, daemonError(e));
  }
}

/** `run`: a one-off container of a service, attached (its output, its exit code) or detached. */
export function runCommand(engine: ComposeEngine): Command {
  return new Command("run")
    .description("Run a one-off command on a service")
    .option("--rm", "automatically remove the container when it exits")
    .option("-d, --detach", "run container in background and print container name")
    .option("-e, --env <KEY=VAL>", "set environment variables", collect)
    .option("--no-deps", "don't start linked services")
    .option("-p, --publish <spec>", "publish a container's port(s) to the host", collect)
    .option("-P, --service-ports", "run command with the service's ports enabled and mapped to the host")
    .option("--use-aliases", "use the service's network aliases in the network(s) the container connects to")
    .addOption(
      new Option("--pull <policy>", "pull image before running").choices(["always", "missing", "never"]),
    )
    .option("--cap-add <cap>", "add Linux capabilities", collect)
    .option("--cap-drop <cap>", "drop Linux capabilities", collect)
    .option("--entrypoint <cmd>", "override the entrypoint of the image")
    .option("-v, --volume <spec>", "bind mount a volume", collect)
    .option("-w, --workdir <dir>", "working directory inside the container")
    .option("-u, --user <user>", "run as specified username or uid")
    .option("--name <name>", "assign a name to the container")
    .option("-l, --label <KEY=VAL>", "add or override a label", collect)
    .option(
      "-T, --no-TTY",
      "disable pseudo-TTY allocation (by default one is allocated when stdin is a terminal)",
    )
    .argument("<service>")
    .argument("[command...]")
    .passThroughOptions()
    .action(async (service: string, command: string[], flags: RunFlags) => {
      const loaded = await engine.load([service]);
      printWarnings(loaded.warnings);
      const { stack, warnings } = toStackSpec(loaded.project, {
        configFiles: loaded.files,
        workingDir: loaded.projectDir,
      });
      printWarnings(warnings);
      const spec = stack.services.find((s) => s.name === service);
      if (!spec)
        throw noSuchService(
          service,
          stack.services.map((s) => s.name),
        );
      const slug = randomBytes(32).toString("hex");
      // As Compose: an attached one-off gets our stdin (it closes when ours ends), and a terminal
      // when ours is one, unless -T.
      const stdin = !flags.detach;
      const tty = stdin && flags.TTY !== false && !!process.stdin.isTTY && !!process.stdout.isTTY;
      const request = (networks: OneOffNetwork[]) => ({
        ...oneOffRequest(stack.project, spec, flags, command, { slug, networks }),
        ...(stdin ? { openStdin: true, stdinOnce: true } : {}),
        ...(tty ? { tty: true } : {}),
      });
      // Built once first so that bad flags fail before anything is started.
      const { name } = request([]);
      const deps = stack.services.map((s) => s.name).filter((n) => n !== service);
      if (flags.deps && deps.length) await startDependencies(engine, spec, deps);
      const id = await createOneOff(engine, stack, spec, request);
      const code = await runOneOff(await engine.client(), id, {
        detach: !!flags.detach,
        rm: !!flags.rm,
        stdin,
        tty,
      });
      if (flags.detach) process.stdout.write(`${name}\n`);
      if (code !== 0) throw new ExitError(code);
    });
}
