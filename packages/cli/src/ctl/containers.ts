import type { ContainerSummary, LogLine, TopReply } from "@tsc/api";
import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import { renderTable } from "../common/table.js";
import { parseBytes } from "../common/human.js";
import { flagParser, parseCpus, parseGoInt, timeFlagValue } from "../common/flags.js";
import { stopTimeoutOption } from "../common/stop-timeout.js";
import type { Ctl } from "./shared.js";
import { collect, daemonError, forEachRef } from "./shared.js";

/** Lifecycle commands: stop, restart, kill, rm, pause, unpause, wait, rename, update (start and attach: attach.ts). */
export function lifecycleCommands(program: Command, ctl: Ctl): void {
  const simple = (name: string, desc: string, rpc: string) =>
    program
      .command(name)
      .description(desc)
      .argument("<container...>")
      .action(async (refs: string[]) => {
        const c = await ctl.client();
        await forEachRef(refs, (id) => c.call("Containers", rpc, { id }).then(() => undefined));
      });
  simple("pause", "Pause all processes within one or more containers", "pause");
  simple("unpause", "Unpause all processes within one or more containers", "unpause");
  for (const [name, desc] of [
    ["stop", "Stop one or more running containers"],
    ["restart", "Restart one or more containers"],
  ] as const)
    program
      .command(name)
      .description(desc)
      .addOption(stopTimeoutOption("-t, --time <seconds>"))
      .option("-s, --signal <signal>", "signal to send to the container")
      .argument("<container...>")
      .action(async (refs: string[], o: { time?: number }) => {
        const c = await ctl.client();
        await forEachRef(refs, (id) =>
          c.call("Containers", name, { id, timeout: o.time ?? -1 }).then(() => undefined),
        );
      });
  program
    .command("kill")
    .description("Kill one or more running containers")
    .option("-s, --signal <signal>", "signal to send to the container", "SIGKILL")
    .argument("<container...>")
    .action(async (refs: string[], o: { signal: string }) => {
      const c = await ctl.client();
      const signal =
        /^\d+$/.test(o.signal) || o.signal.startsWith("SIG") ? o.signal : `SIG${o.signal.toUpperCase()}`;
      await forEachRef(refs, (id) => c.call("Containers", "kill", { id, signal }).then(() => undefined));
    });
  program
    .command("rm")
    .description("Remove one or more containers")
    .option("-f, --force", "force the removal of a running container (uses SIGKILL)")
    .option("-v, --volumes", "remove anonymous volumes associated with the container")
    .argument("<container...>")
    .action(async (refs: string[], o: { force?: boolean; volumes?: boolean }) => {
      const c = await ctl.client();
      await forEachRef(refs, (id) =>
        c.call("Containers", "remove", { id, force: !!o.force, volumes: !!o.volumes }).then(() => undefined),
      );
    });
  program
    .command("wait")
    .description("Block until one or more containers stop, then print their exit codes")
    .argument("<container...>")
    .action(async (refs: string[]) => {
      const c = await ctl.client();
      await forEachRef(refs, async (id) =>
        String((await c.call<{ exitCode: number }>("Containers", "wait", { id })).exitCode),
      );
    });
  program
    .command("rename")
    .description("Rename a container")
    .argument("<container>")
    .argument("<new-name>")
    .action(async (id: string, newName: string) => {
      const c = await ctl.client();
      await forEachRef([id], () => c.call("Containers", "rename", { id, newName }).then(() => ""));
    });
  program
    .command("update")
    .description("Update configuration of one or more containers")
    .option("-m, --memory <bytes>", "memory limit", flagParser(parseBytes))
    .option("--cpus <number>", "number of CPUs", flagParser(parseCpus))
    .option("--pids-limit <n>", "tune container pids limit", flagParser(parseGoInt))
    .option("--restart <policy>", "restart policy to apply when a container exits")
    .argument("<container...>")
    .action(
      async (refs: string[], o: { memory?: number; cpus?: number; pidsLimit?: number; restart?: string }) => {
        const { parseRestartPolicy } = await import("@tsc/runtime");
        const update = {
          ...(o.memory !== undefined ? { memory: o.memory } : {}),
          ...(o.cpus !== undefined ? { cpus: o.cpus } : {}),
          ...(o.pidsLimit !== undefined ? { pidsLimit: o.pidsLimit } : {}),
          ...(o.restart ? { restartPolicy: parseRestartPolicy(o.restart) } : {}),
        };
        const c = await ctl.client();
        await forEachRef(refs, (id) =>
          c.call("Containers", "update", { id, updateJson: JSON.stringify(update) }).then(() => undefined),
        );
      },
    );
}

/** `logs`. */
export function logsCommand(program: Command, ctl: Ctl): void {
  program
    .command("logs")
    .description("Fetch the logs of a container")
    .option("-f, --follow", "follow log output")
    .option("-n, --tail <n>", "number of lines to show from the end of the logs", "all")
    .option("--since <time>", "show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m)")
    .option("--until <time>", "show logs before a timestamp or relative time")
    .option("-t, --timestamps", "show timestamps")
    .argument("<container>")
    .action(
      async (
        id: string,
        o: { follow?: boolean; tail: string; since?: string; until?: string; timestamps?: boolean },
      ) => {
        const since = timeFlagValue("since", o.since);
        const until = timeFlagValue("until", o.until);
        const c = await ctl.client();
        const stream = c.serverStream<LogLine>("Containers", "logs", {
          id,
          follow: !!o.follow,
          tail: o.tail === "all" ? -1 : Number(o.tail),
          since,
          until,
        });
        try {
          for await (const m of stream as AsyncIterable<LogLine>) {
            const out = m.stream === "stderr" ? process.stderr : process.stdout;
            out.write(o.timestamps ? Buffer.concat([Buffer.from(`${m.time} `), m.line]) : m.line);
          }
        } catch (e) {
          throw new ExitError(1, daemonError(c.toTscError(e)));
        }
      },
    );
}

/** `top`, `port`, `diff`, `commit` (`stats`: stats.ts). */
export function inspectionCommands(program: Command, ctl: Ctl): void {
  program
    .command("top")
    .description("Display the running processes of a container")
    .usage("[OPTIONS] CONTAINER [ps OPTIONS]")
    .argument("<container>")
    .argument("[ps-options...]", "options for ps (default -ef)")
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (id: string, psArgs: string[]) => {
      const c = await ctl.client();
      const t = await c.call<TopReply>("Containers", "top", { id, psArgs }).catch((e: unknown) => {
        throw new ExitError(1, daemonError(e));
      });
      process.stdout.write(
        renderTable(
          t.titles,
          t.processes.map((p) => p.columns),
        ),
      );
    });
  program
    .command("port")
    .description("List port mappings or a specific mapping for the container")
    .argument("<container>")
    .argument("[private-port]", "PORT[/PROTO]")
    .action(async (id: string, want: string | undefined) => {
      const c = await ctl.client();
      const list = await c.call<{ containers: ContainerSummary[] }>("Containers", "list", {
        all: true,
        filters: [],
        size: false,
      });
      const doc = JSON.parse(
        (
          await c.call<{ json: string }>("Containers", "inspect", { id }).catch((e: unknown) => {
            throw new ExitError(1, daemonError(e));
          })
        ).json,
      ) as { Id: string };
      const s = list.containers.find((x) => x.id === doc.Id);
      const key = want && !want.includes("/") ? `${want}/tcp` : want;
      const lines = (s?.ports ?? [])
        .filter((p) => p.publicPort && (!key || `${p.privatePort}/${p.type}` === key))
        .map((p) =>
          key ? `${p.ip}:${p.publicPort}` : `${p.privatePort}/${p.type} -> ${p.ip}:${p.publicPort}`,
        );
      if (key && lines.length === 0)
        throw new ExitError(1, `Error: No public port '${key}' published for ${id}`);
      for (const l of lines) process.stdout.write(`${l}\n`);
    });
  program
    .command("diff")
    .description("Inspect changes to files or directories on a container's filesystem")
    .argument("<container>")
    .action(async (id: string) => {
      const c = await ctl.client();
      const r = await c
        .call<{ changes: { kind: number; path: string }[] }>("Containers", "diff", { id })
        .catch((e: unknown) => {
          throw new ExitError(1, daemonError(e));
        });
      for (const ch of r.changes) process.stdout.write(`${"CAD"[ch.kind]} ${ch.path}\n`);
    });
  program
    .command("commit")
    .description("Create a new image from a container's changes")
    .option("-m, --message <msg>", "commit message")
    .option("-a, --author <author>", "author")
    .option("-c, --change <instruction>", "apply Dockerfile instruction to the created image", collect)
    .option("-p, --pause", "pause container during commit", true)
    .option("--no-pause", "do not pause the container during commit")
    .argument("<container>")
    .argument("[repository[:tag]]")
    .action(
      async (
        container: string,
        reference: string | undefined,
        o: { message?: string; author?: string; change?: string[]; pause: boolean },
      ) => {
        const c = await ctl.client();
        const r = await c
          .call<{ id: string }>("Containers", "commit", {
            container,
            reference: reference ?? "",
            comment: o.message ?? "",
            author: o.author ?? "",
            changes: o.change ?? [],
            pause: o.pause,
          })
          .catch((e: unknown) => {
            throw new ExitError(1, daemonError(e));
          });
        process.stdout.write(`${r.id}\n`);
      },
    );
}
