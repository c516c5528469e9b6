import type { ContainerSummary, LogLine } from "@tsc/api";
import { Command } from "commander";
import { parseTimeArg } from "@tsc/api";
import type { ComposeEngine } from "../engine.js";
import { SERVICE_LABEL } from "../convert/container.js";

const COLORS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

/** How to show the project's output. */
export interface FollowOptions {
  services: string[];
  follow: boolean;
  prefix: boolean;
  color: boolean;
  timestamps: boolean;
  tail?: number;
  since?: string;
  signal?: AbortSignal;
  /** After `signal` aborts, how long a stream may go on to its end before it is cut (default 0). */
  drainMs?: number;
  /** Called when a followed container's output ends because it exited. */
  onExit?: (service: string, exitCode: number) => void;
}

/**
 * Streams the output of the project's containers, each line prefixed `name  | ` (coloured per
 * service on a TTY) as Compose does; with `follow`, containers that appear later (scale, restarts)
 * are picked up too, and it runs until `signal` aborts or, without follow, every log is read.
 */
export async function followLogs(engine: ComposeEngine, project: string, o: FollowOptions): Promise<void> {
  const client = await engine.client();
  const seen = new Set<string>();
  const streams: Promise<void>[] = [];
  let width = 0;
  const colorOf = new Map<string, number>();
  const start = (c: ContainerSummary): void => {
    seen.add(c.id);
    const name = c.names[0]!.slice(1);
    const service = c.labels[SERVICE_LABEL] ?? name;
    width = Math.max(width, name.length);
    // One colour per container (replicas of a service differ), as Compose v2 does.
    if (!colorOf.has(name)) colorOf.set(name, COLORS[colorOf.size % COLORS.length]!);
    const call = client.serverStream<LogLine>("Containers", "logs", {
      id: c.id,
      follow: o.follow,
      tail: o.tail ?? -1,
      since: o.since ? new Date(parseTimeArg(o.since)).toISOString() : "",
      until: "",
    });
    o.signal?.addEventListener(
      "abort",
      () => (o.drainMs ? setTimeout(() => call.cancel(), o.drainMs).unref() : call.cancel()),
      { once: true },
    );
    streams.push(
      (async () => {
        try {
          for await (const m of call as AsyncIterable<LogLine>) {
            const head = o.prefix ? `${name.padEnd(width)}  | ` : "";
            const colored = o.color && head ? `\x1b[${colorOf.get(name)}m${head}\x1b[0m` : head;
            const ts = o.timestamps ? `${m.time} ` : "";
            process.stdout.write(`${colored}${ts}${m.line.toString()}`);
          }
        } catch {
          return;
        }
        // The stream ended by itself (a cancelled one throws): its container exited, also while
        // the streams drain after `signal`.
        if (o.follow && o.onExit) {
          const { exitCode } = await client
            .call<{ exitCode: number }>("Containers", "wait", { id: c.id })
            .catch(() => ({ exitCode: 0 }));
          if (o.prefix) process.stdout.write(`${name} exited with code ${exitCode}\n`);
          o.onExit(service, exitCode);
        }
      })(),
    );
  };
  const scan = async (): Promise<void> => {
    for (const c of await engine.containers(project, { all: !o.follow, services: o.services }))
      if (!seen.has(c.id) && (c.labels["com.docker.compose.oneoff"] ?? "False") === "False") start(c);
  };
  await scan();
  if (!o.follow) {
    await Promise.all(streams);
    return;
  }
  while (!o.signal?.aborted) {
    await new Promise((r) => setTimeout(r, 1000));
    if (!o.signal?.aborted) await scan().catch(() => undefined);
  }
  await Promise.allSettled(streams);
}

/** `logs`. */
export function logsCommand(engine: ComposeEngine): Command {
  return new Command("logs")
    .description("View output from containers")
    .option("-f, --follow", "follow log output")
    .option("-n, --tail <n>", "number of lines to show from the end of the logs for each container", "all")
    .option("-t, --timestamps", "show timestamps")
    .option("--since <time>", "show logs since timestamp or relative (e.g. 42m)")
    .option("--no-color", "produce monochrome output")
    .option("--no-log-prefix", "don't print prefix in logs")
    .argument("[service...]")
    .action(
      async (
        services: string[],
        f: {
          follow?: boolean;
          tail: string;
          timestamps?: boolean;
          since?: string;
          color: boolean;
          logPrefix: boolean;
        },
      ) => {
        const project = await engine.projectName();
        const ac = new AbortController();
        const onSig = (): void => ac.abort();
        process.once("SIGINT", onSig);
        try {
          await followLogs(engine, project, {
            services,
            follow: !!f.follow,
            prefix: f.logPrefix,
            color: f.color && (process.stdout.isTTY ?? false),
            timestamps: !!f.timestamps,
            ...(f.tail !== "all" ? { tail: Number(f.tail) } : {}),
            ...(f.since ? { since: f.since } : {}),
            signal: ac.signal,
          });
        } finally {
          process.off("SIGINT", onSig);
        }
      },
    );
}
