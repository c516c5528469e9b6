import type { AttachInput, ExecOutput, TscClient } from "@tsc/api";
import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import { configuredDetachKeys } from "./config.js";
import type { SessionResult } from "./session.js";
import {
  checkTerminalInput,
  DEFAULT_DETACH_KEYS,
  parseDetachKeys,
  runSession,
  terminalSize,
} from "./session.js";
import type { Ctl } from "./shared.js";
import { daemonError, forEachRef } from "./shared.js";

/** What an attach session asks for. */
export interface AttachOptions {
  /** Start the container (attached before its process runs, so no output is missed). */
  start: boolean;
  /** Forward our stdin (the container must keep one open: `-i`). */
  stdin: boolean;
  /** The container has a terminal. */
  tty: boolean;
  /** `--detach-keys` (default ctrl-p ctrl-q). */
  detachKeys?: readonly number[];
  /** `--sig-proxy` (default on): without a terminal, SIGINT and SIGTERM go on to the container. */
  sigProxy?: boolean;
}

/** The `--detach-keys` and `--sig-proxy` flags of run, start and attach. */
export interface SessionFlags {
  detachKeys?: string;
  sigProxy?: boolean;
}

/** Adds `--detach-keys` and `--sig-proxy` (Docker's names; `--sig-proxy=false` turns it off). */
export function addSessionFlags(cmd: Command, sigProxy = true): Command {
  cmd.option(
    "--detach-keys <keys>",
    "override the key sequence for detaching a container (default ctrl-p,ctrl-q)",
  );
  if (sigProxy)
    cmd.option(
      "--sig-proxy [bool]",
      "proxy received signals to the process (non-TTY mode only)",
      (v: string) => !/^(false|0|no)$/i.test(v),
      true,
    );
  return cmd;
}

/**
 * The session options the flags ask for; without `--detach-keys`, the config file's `detachKeys`
 * (as Docker's). A bad key list is a one-line error.
 */
export function sessionOptions(f: SessionFlags): Pick<AttachOptions, "detachKeys" | "sigProxy"> {
  const keys = f.detachKeys ?? configuredDetachKeys();
  return {
    ...(keys !== undefined ? { detachKeys: parseDetachKeys(keys) } : {}),
    sigProxy: f.sigProxy !== false,
  };
}

/**
 * Attaches to container `id` through the Attach stream until it exits or we detach. Without a
 * terminal, SIGINT and SIGTERM are sent on to the container (Docker's sig-proxy). The exit code is
 * the container's (asked for with Wait when the stream ended without one and we did not detach).
 * Daemon errors are thrown as tsc errors.
 */
export async function attachContainer(c: TscClient, id: string, o: AttachOptions): Promise<SessionResult> {
  const onSignal = (sig: NodeJS.Signals): void =>
    void c.call("Containers", "kill", { id, signal: sig }).catch(() => undefined);
  if (!o.tty && o.sigProxy !== false) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
  try {
    const call = c.duplex<AttachInput, ExecOutput>("Containers", "attach");
    call.write({
      container: id,
      stdin: o.stdin,
      start: o.start,
      wait: true,
      ...(o.tty ? terminalSize() : {}),
    });
    const r = await runSession(
      call,
      { stdin: o.stdin, tty: o.tty, detachKeys: o.detachKeys ?? DEFAULT_DETACH_KEYS },
      {
        stdin: (data) => ({ data }),
        closeStdin: () => ({ closeStdin: true }),
        resize: (rows, cols) => ({ rows, cols }),
      },
    );
    if (r.exitCode === undefined && !r.detached && !o.stdin)
      r.exitCode = (await c.call<{ exitCode: number }>("Containers", "wait", { id })).exitCode;
    return r;
  } catch (e) {
    throw c.toTscError(e);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** What attaching needs to know of a container. */
interface StdioConfig {
  id: string;
  tty: boolean;
  openStdin: boolean;
  running: boolean;
}

async function stdioConfig(c: TscClient, ref: string): Promise<StdioConfig> {
  const doc = JSON.parse((await c.call<{ json: string }>("Containers", "inspect", { id: ref })).json) as {
    Id: string;
    Config: { Tty?: boolean; OpenStdin?: boolean };
    State: { Running?: boolean };
  };
  return {
    id: doc.Id,
    tty: !!doc.Config.Tty,
    openStdin: !!doc.Config.OpenStdin,
    running: !!doc.State.Running,
  };
}

/** Attaches (starting first with `start`) and exits with the container's code; 0 after a detach. */
async function attachAndExit(
  c: TscClient,
  ref: string,
  o: { start: boolean; stdin: boolean } & SessionFlags,
): Promise<void> {
  let r: SessionResult;
  const session = sessionOptions(o);
  try {
    const cfg = await stdioConfig(c, ref);
    if (!o.start && !cfg.running)
      throw new ExitError(1, "You cannot attach to a stopped container, start it first");
    const stdin = o.stdin && cfg.openStdin;
    checkTerminalInput(stdin, cfg.tty);
    r = await attachContainer(c, cfg.id, { start: o.start, stdin, tty: cfg.tty, ...session });
  } catch (e) {
    if (e instanceof ExitError) throw e;
    throw new ExitError(1, daemonError(e));
  }
  if (r.exitCode) throw new ExitError(r.exitCode);
}

/** `start` (with `-a`/`-i`: attached) and `attach`. */
export function attachCommands(program: Command, ctl: Ctl): void {
  addSessionFlags(
    program
      .command("start")
      .description("Start one or more stopped containers")
      .option("-a, --attach", "attach STDOUT/STDERR and forward signals")
      .option("-i, --interactive", "attach container's STDIN"),
    false,
  )
    .argument("<container...>")
    .action(async (refs: string[], o: { attach?: boolean; interactive?: boolean } & SessionFlags) => {
      const c = await ctl.client();
      if (!o.attach && !o.interactive)
        return forEachRef(refs, (id) => c.call("Containers", "start", { id }).then(() => undefined));
      if (refs.length > 1) throw new ExitError(1, "you cannot start and attach multiple containers at once");
      await attachAndExit(c, refs[0]!, { ...o, start: true, stdin: !!o.interactive });
    });
  addSessionFlags(
    program
      .command("attach")
      .description("Attach local standard input, output, and error streams to a running container")
      .option("--no-stdin", "do not attach STDIN"),
  )
    .argument("<container>")
    .action(async (ref: string, o: { stdin: boolean } & SessionFlags) => {
      await attachAndExit(await ctl.client(), ref, { ...o, start: false });
    });
}
