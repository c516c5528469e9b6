import type { EventMessage } from "@tsc/api";
import type { Command } from "commander";
import { confirmPrune, printPruned } from "../common/confirm.js";
import { timeFlagValue } from "../common/flags.js";
import { humanSize } from "../common/human.js";
import { ExitError } from "../common/run-cli.js";
import { renderTable } from "../common/table.js";
import { TSC_VERSION } from "../common/version.js";
import type { Ctl } from "./shared.js";
import { collect, daemonError, printDocuments } from "./shared.js";

/**
 * An event's time as Docker prints it, RFC 3339 with nine fractional digits. The daemon's clock
 * gives milliseconds, and a nanosecond count that large is not exact as a JS number: the digits
 * below the millisecond are zeros, not float noise.
 */
export function eventTime(timeNano: number): string {
  return new Date(Math.round(timeNano / 1e6)).toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

/** `events`: Docker's line format, `--filter`, `--since`, `--until`, `--format`. */
function eventsCommand(p: Command, ctl: Ctl): void {
  p.command("events")
    .description("Get real time events from the server")
    .option("-f, --filter <filter>", "filter output based on conditions provided", collect)
    .option("--since <time>", "show all events created since timestamp")
    .option("--until <time>", "stream events until this timestamp")
    .option("--format <format>", "format the output using a Go template, or 'json'")
    .action(async (o: { filter?: string[]; since?: string; until?: string; format?: string }) => {
      const since = timeFlagValue("since", o.since);
      const until = timeFlagValue("until", o.until);
      const c = await ctl.client();
      const stream = c.serverStream<EventMessage>("System", "events", {
        since,
        until,
        filters: o.filter ?? [],
      });
      try {
        for await (const e of stream as AsyncIterable<EventMessage>) {
          if (o.format) {
            printDocuments(
              [
                // Docker's event message as its API sends it (templates find `.Time` as `time`).
                {
                  status: e.action,
                  id: e.id,
                  ...(e.attributes.image ? { from: e.attributes.image } : {}),
                  Type: e.type,
                  Action: e.action,
                  Actor: { ID: e.id, Attributes: e.attributes },
                  scope: "local",
                  time: Math.floor(e.timeNano / 1e9),
                  timeNano: e.timeNano,
                },
              ],
              o.format,
            );
            continue;
          }
          const attrs = Object.entries(e.attributes)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => `${k}=${v}`)
            .join(", ");
          process.stdout.write(
            `${eventTime(e.timeNano)} ${e.type} ${e.action} ${e.id}${attrs ? ` (${attrs})` : ""}\n`,
          );
        }
      } catch (e) {
        throw new ExitError(1, daemonError(c.toTscError(e)));
      }
    });
}

/** `version`, `info`, `system info|df|prune|events`. */
export function systemCommands(program: Command, ctl: Ctl): void {
  program
    .command("version")
    .description("Show the tsc version information")
    .option("-f, --format <format>", "format the output using a Go template, or 'json'")
    .action(async (o: { format?: string }) => {
      const client = {
        Version: TSC_VERSION,
        ApiVersion: "tsc.v1",
        Os: "linux",
        Arch: process.arch === "x64" ? "amd64" : process.arch,
        NodeVersion: process.version,
      };
      let server: Record<string, unknown> | undefined;
      let err: unknown;
      try {
        server = JSON.parse(
          (await (await ctl.client()).call<{ json: string }>("System", "version", {})).json,
        ) as Record<string, unknown>;
      } catch (e) {
        err = e;
      }
      if (o.format) printDocuments([{ Client: client, Server: server ?? null }], o.format);
      else {
        process.stdout.write(
          `Client:\n Version:      ${client.Version}\n API version:  ${client.ApiVersion}\n Node version: ${client.NodeVersion}\n OS/Arch:      linux/${client.Arch}\n`,
        );
        if (server) {
          process.stdout.write(
            `\nServer:\n Engine:\n  Version:      ${String(server.Version)}\n  API version:  ${String(server.ApiVersion)}\n  Kernel:       ${String(server.KernelVersion)}\n`,
          );
          for (const comp of (server.Components as { Name: string; Version: string }[]) ?? [])
            if (comp.Name !== "tscd")
              process.stdout.write(` ${comp.Name}:\n  Version:      ${comp.Version}\n`);
        }
      }
      if (err) throw new ExitError(1, daemonError(err));
    });
  const info = async (o: { format?: string }) => {
    const doc = JSON.parse(
      (await (await ctl.client()).call<{ json: string }>("System", "info", {})).json,
    ) as Record<string, unknown>;
    if (o.format) return printDocuments([doc], o.format);
    const lines = [
      `Server:`,
      ` Containers: ${String(doc.Containers)}`,
      `  Running: ${String(doc.ContainersRunning)}`,
      `  Paused: ${String(doc.ContainersPaused)}`,
      `  Stopped: ${String(doc.ContainersStopped)}`,
      ` Images: ${String(doc.Images)}`,
      ` Server Version: ${String(doc.ServerVersion)}`,
      ` Storage Driver: ${String(doc.Driver)}`,
      ` Cgroup Version: ${String(doc.CgroupVersion)}`,
      ` Default Runtime: runc`,
      ` Live Restore Enabled: true`,
      ` Kernel Version: ${String(doc.KernelVersion)}`,
      ` Operating System: ${String(doc.OperatingSystem)}`,
      ` CPUs: ${String(doc.NCPU)}`,
      ` Total Memory: ${humanSize(Number(doc.MemTotal))}`,
      ` Name: ${String(doc.Name)}`,
      ` Data Root: ${String(doc.DockerRootDir)}`,
    ];
    const labels = (doc.Labels as string[] | undefined) ?? [];
    if (labels.length) lines.push(` Labels:`, ...labels.map((l) => `  ${l}`));
    process.stdout.write(`${lines.join("\n")}\n`);
  };
  program
    .command("info")
    .description("Display system-wide information")
    .option("-f, --format <format>", "format the output using a Go template")
    .action(info);
  const system = program.command("system").description("Manage tsc");
  system
    .command("info")
    .description("Display system-wide information")
    .option("-f, --format <format>", "format the output using a Go template")
    .action(info);
  system
    .command("df")
    .description("Show tsc disk usage")
    .option("--format <format>", "'json' or a Go template")
    .action(async (o: { format?: string }) => {
      const doc = JSON.parse(
        (await (await ctl.client()).call<{ json: string }>("System", "df", {})).json,
      ) as {
        Images: { Size: number; Containers: number }[];
        Containers: { State: string; SizeRw: number }[];
        Volumes: { UsedBy: number; Size: number }[];
      };
      if (o.format) return printDocuments([doc], o.format);
      const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
      const size = sum(doc.Images.map((i) => i.Size));
      const unused = sum(doc.Images.filter((i) => i.Containers === 0).map((i) => i.Size));
      process.stdout.write(
        renderTable(
          ["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
          [
            [
              "Images",
              String(doc.Images.length),
              String(doc.Images.filter((i) => i.Containers > 0).length),
              humanSize(size),
              humanSize(unused),
            ],
            [
              "Containers",
              String(doc.Containers.length),
              String(doc.Containers.filter((c) => c.State === "running").length),
              humanSize(sum(doc.Containers.map((c) => c.SizeRw))),
              humanSize(sum(doc.Containers.filter((c) => c.State !== "running").map((c) => c.SizeRw))),
            ],
            [
              "Local Volumes",
              String(doc.Volumes.length),
              String(doc.Volumes.filter((v) => v.UsedBy > 0).length),
              humanSize(sum(doc.Volumes.map((v) => v.Size))),
              humanSize(sum(doc.Volumes.filter((v) => v.UsedBy === 0).map((v) => v.Size))),
            ],
          ],
        ),
      );
    });
  system
    .command("prune")
    .description("Remove unused data")
    .option("-a, --all", "remove all unused images not just dangling ones")
    .option("--volumes", "prune anonymous volumes")
    .option("-f, --force", "do not prompt for confirmation")
    .action(async (o: { all?: boolean; volumes?: boolean; force?: boolean }) => {
      const removes = [
        "all stopped containers",
        "all networks not used by at least one container",
        ...(o.volumes ? ["all anonymous volumes not used by at least one container"] : []),
        o.all ? "all images without at least one container associated to them" : "all dangling images",
      ];
      if (!(await confirmPrune(`This will remove:\n${removes.map((r) => `  - ${r}\n`).join("")}`, o.force)))
        return;
      const r = JSON.parse(
        (
          await (
            await ctl.client()
          ).call<{ json: string }>("System", "prune", { all: !!o.all, volumes: !!o.volumes })
        ).json,
      ) as Record<"ContainersDeleted" | "NetworksDeleted" | "VolumesDeleted" | "ImagesDeleted", string[]> & {
        SpaceReclaimed: number;
      };
      printPruned(
        [
          ["Containers", r.ContainersDeleted],
          ["Networks", r.NetworksDeleted],
          ["Volumes", r.VolumesDeleted],
          ["Images", r.ImagesDeleted],
        ],
        r.SpaceReclaimed,
      );
    });
  eventsCommand(program, ctl);
  eventsCommand(system, ctl);
}
