import type { ContainerSummary } from "@tsc/api";
import type { StoredService, Task } from "@tsc/manager";
import { Command, Option } from "commander";
import { containerStatusText, formatPorts, quoteCommand, timeAgo } from "../../common/human.js";
import { ExitError } from "../../common/run-cli.js";
import { formatRows } from "../../common/table.js";
import type { ComposeEngine } from "../engine.js";
import { containerNames } from "./deploy.js";
import { ONEOFF_LABEL } from "./one-off.js";
import { isFinished } from "./wait.js";

/** One `ps` row: a container, or the current task of a slot that has none (pending, failed to start, stopped). */
export interface PsRow {
  Name: string;
  Service: string;
  Image: string;
  Command: string;
  State: string;
  Status: string;
  Health: string;
  ExitCode: number;
  Publishers: { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[];
  Ports: string;
  CreatedAt: string;
  ID: string;
  Task: string;
  TaskState: string;
  Error: string;
}

/** The container states `ps` lists without `-a` (Docker's `ps` without `-a`: up, paused or restarting). */
const UP = ["running", "paused", "restarting"];

/** Task states of a task on its way to a container. */
const ON_ITS_WAY = ["new", "pending", "assigned", "accepted", "preparing", "starting"];

/** The current task of each slot (`service/slot`): its latest by creation; the slot's history is not shown. */
export function currentTasks(tasks: Task[]): Task[] {
  const bySlot = new Map<string, Task>();
  for (const t of tasks) {
    const key = `${t.service}/${t.slot}`;
    const cur = bySlot.get(key);
    if (
      !cur ||
      t.createdAt > cur.createdAt ||
      (t.createdAt === cur.createdAt && t.desiredState === "running")
    )
      bySlot.set(key, t);
  }
  return [...bySlot.values()].sort((a, b) => a.service.localeCompare(b.service) || a.slot - b.slot);
}

/**
 * The rows of `ps` for a project: one per container as Compose shows them (a slot's current task,
 * never its history); without `all` only those up (running, paused, restarting) or on their way.
 */
export function psRows(
  project: string,
  services: StoredService[],
  tasks: Task[],
  containers: ContainerSummary[],
  all: boolean,
): PsRow[] {
  const byTask = new Map(containers.map((c) => [c.labels["com.tsc.task.id"] ?? c.id, c] as const));
  const byId = new Map(containers.map((c) => [c.id, c] as const));
  const taskById = new Map(tasks.map((t) => [t.id, t] as const));
  // A task's container: labelled with it, reported by it, or the one it took over from an earlier task.
  const containerOf = (t: Task): ContainerSummary | undefined => {
    const seen = new Set<string>();
    for (let cur: Task | undefined = t; cur && !seen.has(cur.id); cur = taskById.get(cur.adopts ?? "")) {
      seen.add(cur.id);
      const c = byTask.get(cur.id) ?? byId.get(cur.status.containerId ?? "");
      if (c) return c;
    }
    return undefined;
  };
  const rows: PsRow[] = [];
  for (const t of currentTasks(tasks)) {
    const svc = services.find((s) => s.spec.name === t.service);
    const c = containerOf(t);
    const current = t.desiredState === "running";
    const up = c !== undefined && UP.includes(c.state);
    if (!all && !up && !(current && ON_ITS_WAY.includes(t.status.state))) continue;
    // A slot scaled away (or of a service gone) whose container is gone is not a container any more.
    const replicas = svc ? (svc.spec.mode === "replicated" ? svc.spec.replicas : 1) : 0;
    if (!c && !current && t.slot > replicas) continue;
    const name = svc?.spec.containerName ?? `${project}-${t.service}-${t.slot}`;
    const state =
      c?.state ??
      (t.status.state === "running" ? "running" : isFinished(t.status.state) ? "exited" : "created");
    const status = c
      ? containerStatus(c)
      : t.unschedulable
        ? `Pending: ${t.unschedulable}`
        : t.status.err
          ? `${t.status.state[0]!.toUpperCase()}${t.status.state.slice(1)}: ${t.status.err}`
          : `${t.status.state[0]!.toUpperCase()}${t.status.state.slice(1)} ${timeAgo(t.status.timestamp)}`;
    rows.push({
      Name: name,
      Service: t.service,
      Image: svc?.spec.container.image ?? "",
      Command: c ? quoteCommand(c.command, false) : "",
      State: state,
      Status: status,
      Health: c?.health ?? "",
      ExitCode: c?.exitCode ?? t.status.exitCode ?? 0,
      ...portColumns(c?.ports ?? []),
      CreatedAt: c?.created ?? t.createdAt,
      ID: c?.id ?? "",
      Task: t.id,
      TaskState: t.status.state,
      Error: t.status.err ?? t.unschedulable ?? "",
    });
  }
  if (all) rows.push(...createdRows(project, services, tasks), ...oneOffRows(containers));
  return rows.sort((a, b) => a.Service.localeCompare(b.Service));
}

/** A container's Status column ("Up 2 minutes (healthy)", "Exited (1) 3 seconds ago"). */
function containerStatus(c: ContainerSummary): string {
  return containerStatusText({
    status: c.state as "running",
    startedAt: c.startedAt || undefined,
    finishedAt: c.finishedAt || undefined,
    exitCode: c.exitCode,
    ...(c.health ? { health: c.health as "healthy" } : {}),
  });
}

/** The Publishers and Ports columns of a container's published ports. */
function portColumns(ports: ContainerSummary["ports"]): Pick<PsRow, "Publishers" | "Ports"> {
  return {
    Publishers: ports.map((p) => ({
      URL: p.ip,
      TargetPort: p.privatePort,
      PublishedPort: p.publicPort,
      Protocol: p.type,
    })),
    Ports: formatPorts(
      ports.map((p) => ({
        ip: p.ip,
        privatePort: p.privatePort,
        publicPort: p.publicPort || undefined,
        type: p.type as "tcp",
      })),
    ),
  };
}

/** Rows of one-off (`run`) containers, which Compose lists with `-a` only. */
function oneOffRows(containers: ContainerSummary[]): PsRow[] {
  return containers
    .filter((c) => c.labels[ONEOFF_LABEL] === "True")
    .map((c) => ({
      Name: c.names[0]!.replace(/^\//, ""),
      Service: c.labels["com.docker.compose.service"] ?? "",
      Image: c.image,
      Command: quoteCommand(c.command, false),
      State: c.state,
      Status: containerStatus(c),
      Health: c.health ?? "",
      ExitCode: c.exitCode,
      ...portColumns(c.ports),
      CreatedAt: c.created,
      ID: c.id,
      Task: "",
      TaskState: "",
      Error: "",
    }));
}

/** Rows of services stored stopped that never ran (`create`, `up --no-start`): their containers are "created". */
function createdRows(project: string, services: StoredService[], tasks: Task[]): PsRow[] {
  return services
    .filter((s) => s.stopped && !tasks.some((t) => t.service === s.spec.name))
    .flatMap((s) =>
      containerNames(project, s).map((name) => ({
        Name: name,
        Service: s.spec.name,
        Image: s.spec.container.image,
        Command: "",
        State: "created",
        Status: "Created",
        Health: "",
        ExitCode: 0,
        Publishers: [],
        Ports: "",
        CreatedAt: s.updatedAt,
        ID: "",
        Task: "",
        TaskState: "",
        Error: "",
      })),
    );
}

/** `ps`. */
export function psCommand(engine: ComposeEngine): Command {
  return new Command("ps")
    .description("List containers")
    .option("-a, --all", "show all stopped containers (including those created by the run command)")
    .option("-q, --quiet", "only display IDs")
    .option("--services", "display services")
    .addOption(new Option("--format <format>", "table, json, or a Go template").default("table"))
    .addOption(
      new Option("--status <status>", "filter services by status").choices([
        "paused",
        "restarting",
        "removing",
        "running",
        "dead",
        "created",
        "exited",
      ]),
    )
    .option("--filter <filter>", "filter services by a property (status=STATE)")
    .argument("[service...]")
    .action(
      async (
        services: string[],
        f: {
          all?: boolean;
          quiet?: boolean;
          services?: boolean;
          format: string;
          status?: string;
          filter?: string;
        },
      ) => {
        const project = await engine.projectName();
        const all = !!f.all || !!f.status || !!f.filter;
        const view = await engine.view(project, all);
        const containers = await engine.containers(project, { all: true });
        let rows = psRows(project, view.services, view.tasks, containers, all);
        if (services.length) rows = rows.filter((r) => services.includes(r.Service));
        const status = f.status ?? (f.filter?.startsWith("status=") ? f.filter.slice(7) : undefined);
        if (f.filter && !f.filter.startsWith("status="))
          throw new ExitError(
            1,
            `tsc-compose: invalid filter ${JSON.stringify(f.filter)}: only status=STATE is supported`,
          );
        if (status) rows = rows.filter((r) => r.State === status);
        if (f.services)
          return void process.stdout.write(
            [...new Set(rows.map((r) => r.Service))].map((s) => `${s}\n`).join(""),
          );
        if (f.quiet)
          return void process.stdout.write(
            rows
              .filter((r) => r.ID)
              .map((r) => `${r.ID}\n`)
              .join(""),
          );
        if (f.format === "json")
          return void process.stdout.write(
            rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""),
          );
        const format =
          f.format === "table"
            ? "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.CreatedAt}}\t{{.Status}}\t{{.Ports}}"
            : f.format;
        process.stdout.write(
          formatRows(rows, {
            format,
            columns: [
              { header: "NAME", field: "Name", value: (r) => r.Name },
              { header: "IMAGE", field: "Image", value: (r) => r.Image },
              { header: "COMMAND", field: "Command", value: (r) => r.Command },
              { header: "SERVICE", field: "Service", value: (r) => r.Service },
              { header: "CREATED", field: "CreatedAt", value: (r) => timeAgo(r.CreatedAt) },
              { header: "STATUS", field: "Status", value: (r) => r.Status },
              { header: "PORTS", field: "Ports", value: (r) => r.Ports },
              { header: "STATE", field: "State", value: (r) => r.State },
              { header: "TASK", field: "Task", value: (r) => r.Task.slice(0, 12) },
              { header: "TASK STATE", field: "TaskState", value: (r) => r.TaskState },
              { header: "ERROR", field: "Error", value: (r) => r.Error },
              { header: "ID", field: "ID", value: (r) => r.ID.slice(0, 12) },
            ],
          }),
        );
      },
    );
}
