import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { TscError, unavailable } from "@tsc/core";
import { RUNC } from "./runc.js";
import type { ContainerSpec } from "./types.js";
import { spawnServer } from "../util/spawn-server.js";

/** The monitor binary (Debian's conmon). */
export const CONMON = "/usr/bin/conmon";

/** Where conmon keeps a container's runtime files. */
export interface ConmonPaths {
  /** `<runRoot>/containers/<id>`. */
  dir: string;
  exitDir: string;
  /** `<exitDir>/<id>` holds the exit code once the container has exited. */
  exitFile: string;
  pidFile: string;
  conmonPidFile: string;
  socketDir: string;
  persistDir: string;
}

/** The runtime file layout for container `id` under `runRoot`. */
export function conmonPaths(runRoot: string, id: string): ConmonPaths {
  const dir = join(runRoot, "containers", id);
  return {
    dir,
    exitDir: join(dir, "exit"),
    exitFile: join(dir, "exit", id),
    pidFile: join(dir, "pid"),
    conmonPidFile: join(dir, "conmon.pid"),
    socketDir: join(dir, "sock"),
    persistDir: join(dir, "persist"),
  };
}

/**
 * conmon's stdio flags for a container: `--terminal` for a TTY, `--stdin` for `-i` (else the
 * container's stdin is /dev/null), and `--leave-stdin-open` unless an attached client's EOF must
 * reach the container: conmon closes the container's stdin whenever an attach connection ends,
 * which is wanted only for StdinOnce without a TTY (on a terminal, EOF is a ^D in the data).
 */
export function conmonStdioArgs(spec: Pick<ContainerSpec, "openStdin" | "stdinOnce" | "tty">): string[] {
  return [
    ...(spec.tty ? ["--terminal"] : []),
    ...(spec.openStdin ? ["--stdin"] : []),
    ...(spec.openStdin && (spec.tty || !spec.stdinOnce) ? ["--leave-stdin-open"] : []),
  ];
}

/**
 * Runs `runc create` for a bundle under a new conmon, which stays behind holding the container's
 * stdio, writing its log (k8s-file format) and, when it exits, its exit code. Resolves with the
 * container's PID, learnt from conmon's sync pipe (no polling); rejects with runc's error.
 */
export async function createUnderConmon(opts: {
  id: string;
  name: string;
  bundle: string;
  runcRoot: string;
  logPath: string;
  logSizeMax?: number;
  paths: ConmonPaths;
  /** The stdio the container asks for (see conmonStdioArgs). */
  stdio?: Pick<ContainerSpec, "openStdin" | "stdinOnce" | "tty">;
}): Promise<number> {
  const p = opts.paths;
  for (const d of [p.exitDir, p.socketDir, p.persistDir]) await mkdir(d, { recursive: true });
  const args = [
    "--cid",
    opts.id,
    "--cuuid",
    opts.id,
    "--name",
    opts.name,
    "--runtime",
    RUNC,
    "--runtime-arg",
    `--root=${opts.runcRoot}`,
    "--bundle",
    opts.bundle,
    "--exit-dir",
    p.exitDir,
    "--container-pidfile",
    p.pidFile,
    "--conmon-pidfile",
    p.conmonPidFile,
    "--socket-dir-path",
    p.socketDir,
    "--persist-dir",
    p.persistDir,
    "-l",
    `k8s-file:${opts.logPath}`,
    ...(opts.logSizeMax ? ["--log-size-max", String(opts.logSizeMax)] : []),
    ...conmonStdioArgs(opts.stdio ?? {}),
    "--syslog=false",
    "--log-level",
    "error",
  ];
  const child = spawnServer().spawn(CONMON, args, {
    addEnv: { _OCI_SYNCPIPE: "3" },
    fd3: true,
    detached: true,
  });
  let stderr = "";
  let sync = "";
  const fail = (text: string): TscError =>
    new TscError("Internal", `cannot create container ${opts.id.slice(0, 12)}: ${cleanRuncMessage(text)}`);
  // conmon writes one JSON line, {"pid": N} or {"pid": -1, "message": …}, once runc create is done;
  // its daemonized half keeps running with the container.
  const line = new Promise<string>((resolve) => {
    child.onOutput = (stream, b) => {
      if (stream === "stderr") stderr += b.toString();
      if (stream !== "fd3") return;
      sync += b.toString();
      if (sync.includes("\n")) resolve(sync.slice(0, sync.indexOf("\n")));
    };
  });
  const ended = child.closed.then(
    () => {
      throw fail(stderr || "conmon gave no answer");
    },
    (e: NodeJS.ErrnoException) => {
      throw e.code === "ENOENT"
        ? unavailable(`${CONMON} not found`, { hint: "install it with: apt-get install conmon", cause: e })
        : e;
    },
  );
  ended.catch(() => undefined); // settles after the line too, when conmon closes the sync pipe
  const first = await Promise.race([line, ended]);
  child.release();
  let parsed: { pid?: number; data?: number; message?: string };
  try {
    parsed = JSON.parse(first) as typeof parsed;
  } catch {
    throw fail(stderr || sync);
  }
  const pid = parsed.data ?? parsed.pid ?? -1;
  if (pid > 0) return pid;
  throw fail(parsed.message ?? stderr);
}

function cleanRuncMessage(text: string): string {
  const quoted = text.match(/msg="((?:[^"\\]|\\.)*)"/)?.[1];
  return (quoted === undefined ? text : quoted.replace(/\\(.)/g, "$1")).trim();
}
