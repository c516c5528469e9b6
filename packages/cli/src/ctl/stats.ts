import type { ContainerSummary, StatsSample } from "@tsc/api";
import type { Command } from "commander";
import { bytesSize, shortId } from "../common/human.js";
import { ExitError } from "../common/run-cli.js";
import type { FormatColumn } from "../common/table.js";
import { formatRows } from "../common/table.js";
import type { Ctl } from "./shared.js";
import { daemonError } from "./shared.js";

/** One line of `stats`: a sample with its CPU share since the previous one (a stopped container has none). */
export interface StatsRow {
  /** What the user named (`stats web`), else the ID. */
  container: string;
  id: string;
  name: string;
  cpuPercent: number;
  sample?: StatsSample;
}

/** The CPU share between two samples of a container, as docker's calculateCPUPercentUnix. */
export function cpuPercent(s: StatsSample, prev: StatsSample | undefined): number {
  if (!prev || s.systemUsageNs <= prev.systemUsageNs || s.cpuUsageNs < prev.cpuUsageNs) return 0;
  return ((s.cpuUsageNs - prev.cpuUsageNs) / (s.systemUsageNs - prev.systemUsageNs)) * s.onlineCpus * 100;
}

/** The `stats` columns with docker/cli's field names and headers. */
export function statsColumns(noTrunc: boolean): FormatColumn<StatsRow>[] {
  const limit = (s: StatsSample) => (s.memoryLimit && s.memoryLimit < 2 ** 60 ? s.memoryLimit : 0);
  const pair = (a: number, b: number) => `${bytesSize(a)} / ${bytesSize(b)}`;
  const of = (r: StatsRow, f: (s: StatsSample) => string, none: string) => (r.sample ? f(r.sample) : none);
  return [
    { header: "CONTAINER", field: "Container", value: (r) => r.container },
    { header: "CONTAINER ID", field: "ID", value: (r) => (noTrunc ? r.id : shortId(r.id)) },
    { header: "NAME", field: "Name", value: (r) => r.name },
    { header: "CPU %", field: "CPUPerc", value: (r) => `${r.cpuPercent.toFixed(2)}%` },
    {
      header: "MEM USAGE / LIMIT",
      field: "MemUsage",
      value: (r) => of(r, (s) => pair(s.memoryUsage, limit(s)), "0B / 0B"),
    },
    {
      header: "MEM %",
      field: "MemPerc",
      value: (r) =>
        of(r, (s) => (limit(s) ? `${((s.memoryUsage / limit(s)) * 100).toFixed(2)}%` : "0.00%"), "0.00%"),
    },
    { header: "NET I/O", field: "NetIO", value: (r) => of(r, (s) => pair(s.rxBytes, s.txBytes), "0B / 0B") },
    {
      header: "BLOCK I/O",
      field: "BlockIO",
      value: (r) => of(r, (s) => pair(s.blockRead, s.blockWrite), "0B / 0B"),
    },
    { header: "PIDS", field: "PIDs", value: (r) => of(r, (s) => String(s.pids), "0") },
  ];
}

const DEFAULT =
  "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

/** The time between the two samples of `stats --no-stream`. */
const NO_STREAM_GAP_MS = 500;

/** Renders `stats` rows as docker's (`--format` table, json or template). */
export function renderStats(rows: StatsRow[], o: { format?: string; noTrunc: boolean }): string {
  const format = o.format === undefined || o.format === "table" ? DEFAULT : o.format;
  return formatRows(rows, { format, columns: statsColumns(o.noTrunc), type: "*formatter.statsContext" });
}

/** `stats [CONTAINER...]`: running containers (all with `-a`), streamed or once (`--no-stream`). */
export function statsCommand(program: Command, ctl: Ctl): void {
  program
    .command("stats")
    .description("Display a live stream of container(s) resource usage statistics")
    .option("-a, --all", "show all containers (default shows just running)")
    .option("--no-stream", "disable streaming stats and only pull the first result")
    .option("--no-trunc", "do not truncate output")
    .option("--format <format>", "format output using a custom template, 'table' or 'json'")
    .argument("[container...]")
    .action(
      async (refs: string[], o: { all?: boolean; stream: boolean; trunc: boolean; format?: string }) => {
        const c = await ctl.client();
        // The containers shown: those named, else every running one (every one with -a).
        // (Without -a the daemon's samples cover every running container: no list needed.)
        const listed =
          refs.length || !o.all
            ? []
            : (
                await c.call<{ containers: ContainerSummary[] }>("Containers", "list", {
                  all: !!o.all,
                  filters: [],
                  size: false,
                })
              ).containers;
        const named = new Map<string, string>();
        const prev = new Map<string, StatsSample>();
        const latest = new Map<string, StatsSample>();
        /** Keeps a container's new sample, its last one as the previous (`ref`: how it was named). */
        const take = (s: StatsSample, ref: string): void => {
          const last = latest.get(s.id);
          if (last) prev.set(s.id, last);
          latest.set(s.id, s);
          if (ref) named.set(s.id, ref);
        };
        const rows = (): StatsRow[] => {
          const out: StatsRow[] = [];
          for (const s of latest.values()) {
            out.push({
              container: named.get(s.id) ?? s.id,
              id: s.id,
              name: s.name,
              cpuPercent: cpuPercent(s, prev.get(s.id)),
              sample: s,
            });
          }
          for (const l of listed)
            if (!latest.has(l.id))
              out.push({ container: l.id, id: l.id, name: l.names[0]?.slice(1) ?? "", cpuPercent: 0 });
          return out;
        };
        const print = (clear: boolean) =>
          process.stdout.write(
            `${clear ? "\x1b[2J\x1b[H" : ""}${renderStats(rows(), { format: o.format, noTrunc: !o.trunc })}`,
          );
        const ids = refs.length ? refs : [""];
        if (!o.stream) {
          // Two samples half a second apart: CPU % is a share of the time between them (docker's
          // daemon keeps the previous sample for this; one sample alone would always say 0.00%).
          for (const round of [0, 1]) {
            if (round) await new Promise((r) => setTimeout(r, NO_STREAM_GAP_MS));
            for (const id of ids) {
              const samples = await c
                .collect<StatsSample>("Containers", "stats", { id, stream: false })
                .catch((e: unknown) => {
                  throw new ExitError(1, daemonError(e));
                });
              for (const s of samples) take(s, id);
            }
          }
          print(false);
          return;
        }
        for (const id of ids)
          (async () => {
            for await (const s of c.serverStream<StatsSample>("Containers", "stats", {
              id,
              stream: true,
            }) as AsyncIterable<StatsSample>)
              take(s, id);
          })().catch(() => undefined);
        for (;;) {
          await new Promise((r) => setTimeout(r, 1000));
          print(o.format === undefined || o.format.startsWith("table"));
        }
      },
    );
}
