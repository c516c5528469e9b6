import type { ContainerSummary } from "@tsc/api";
import type { Command } from "commander";
import {
  containerStatusText,
  formatPorts,
  humanSize,
  quoteCommand,
  shortId,
  timeAgo,
  truncate,
} from "../common/human.js";
import { flagParser, parseGoInt } from "../common/flags.js";
import { ExitError } from "../common/run-cli.js";
import { formatRows } from "../common/table.js";
import type { FormatColumn, FormatMethod } from "../common/table.js";
import type { Ctl } from "./shared.js";
import { collect, daemonError } from "./shared.js";

function columns(noTrunc: boolean): FormatColumn<ContainerSummary>[] {
  return [
    { header: "CONTAINER ID", field: "ID", value: (c) => (noTrunc ? c.id : shortId(c.id)) },
    { header: "IMAGE", field: "Image", value: (c) => c.image },
    { header: "COMMAND", field: "Command", value: (c) => quoteCommand(c.command, noTrunc) },
    { header: "CREATED", field: "RunningFor", value: (c) => timeAgo(c.created) },
    {
      header: "STATUS",
      field: "Status",
      value: (c) =>
        containerStatusText({
          status: c.state as "running",
          startedAt: c.startedAt || undefined,
          finishedAt: c.finishedAt || undefined,
          exitCode: c.exitCode,
          ...(c.health ? { health: c.health as "healthy" } : {}),
        }),
    },
    {
      header: "PORTS",
      field: "Ports",
      value: (c) =>
        formatPorts(
          c.ports.map((p) => ({
            ip: p.ip,
            privatePort: p.privatePort,
            publicPort: p.publicPort || undefined,
            type: p.type as "tcp",
          })),
        ),
    },
    { header: "NAMES", field: "Names", value: (c) => c.names.map((n) => n.slice(1)).join(",") },
    { header: "STATE", field: "State", value: (c) => c.state },
    { header: "CREATED AT", field: "CreatedAt", value: (c) => c.created },
    {
      header: "LABELS",
      field: "Labels",
      value: (c) =>
        Object.entries(c.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(","),
    },
    { header: "NETWORKS", field: "Networks", value: (c) => c.networks.join(",") },
    {
      header: "MOUNTS",
      field: "Mounts",
      // A volume by its name, anything else by its host path (Docker's ContainerContext.Mounts).
      value: (c) =>
        c.mounts.map((m) => (noTrunc ? m.name || m.source : truncate(m.name || m.source, 15))).join(","),
    },
    {
      header: "LOCAL VOLUMES",
      field: "LocalVolumes",
      value: (c) => String(c.mounts.filter((m) => m.driver === "local").length),
    },
    {
      header: "SIZE",
      field: "Size",
      // As Docker's: the virtual size only when the daemon sized the container (`-s`).
      value: (c) =>
        c.sizeRootFs > 0
          ? `${humanSize(c.sizeRw)} (virtual ${humanSize(c.sizeRootFs)})`
          : humanSize(c.sizeRw),
    },
  ];
}

/** `{{.Label "k"}}`: one label's value. */
const METHODS: FormatMethod<ContainerSummary>[] = [
  { header: "LABEL", field: "Label", call: (c, name) => c.labels[name] ?? "" },
];

const DEFAULT =
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

/** `ps`: Docker's columns, filters and formats. */
export function psCommand(program: Command, ctl: Ctl): void {
  program
    .command("ps")
    .description("List containers")
    .option("-a, --all", "show all containers (default shows just running)")
    .option("-q, --quiet", "only display container IDs")
    .option("-n, --last <n>", "show n last created containers (includes all states)", flagParser(parseGoInt))
    .option("-l, --latest", "show the latest created container (includes all states)")
    .option("-s, --size", "display total file sizes")
    .option("--no-trunc", "don't truncate output")
    .option("-f, --filter <filter>", "filter output based on conditions provided", collect)
    .option("--format <format>", "format output using a custom template, 'table' or 'json'")
    .action(
      async (o: {
        all?: boolean;
        quiet?: boolean;
        last?: number;
        latest?: boolean;
        size?: boolean;
        trunc: boolean;
        filter?: string[];
        format?: string;
      }) => {
        const c = await ctl.client();
        // Docker's default -n is -1 (none); 0 too lists only what -a would.
        const last = o.latest ? 1 : o.last !== undefined && o.last > 0 ? o.last : undefined;
        const r = await c
          .call<{ containers: ContainerSummary[] }>("Containers", "list", {
            all: !!o.all || last !== undefined,
            filters: o.filter ?? [],
            size: !!o.size,
          })
          .catch((e: unknown) => {
            throw new ExitError(1, daemonError(e));
          });
        const rows = last !== undefined ? r.containers.slice(0, last) : r.containers;
        if (o.quiet) {
          for (const s of rows) process.stdout.write(`${o.trunc ? shortId(s.id) : s.id}\n`);
          return;
        }
        // -s adds the SIZE column to the default table, as Docker's does.
        const table = o.size ? `${DEFAULT}\t{{.Size}}` : DEFAULT;
        const format = o.format === undefined || o.format === "table" ? table : o.format;
        process.stdout.write(
          formatRows(rows, {
            format,
            columns: columns(!o.trunc),
            methods: METHODS,
            type: "*formatter.ContainerContext",
          }),
        );
      },
    );
}
