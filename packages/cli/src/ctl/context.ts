import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import type { HostAddress, TlsFiles } from "@tsc/api";
import { DEFAULT_HOST, parseHost, TscClient } from "@tsc/api";
import { isTscError, unavailable } from "@tsc/core";
import { cliPackageRoot } from "../common/package-root.js";
import { daemonEnv } from "../common/daemon-env.js";

/** tscctl's global flags. */
export interface CtlGlobalFlags {
  host?: string;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
}

/** How a command reaches the daemon: one lazily made client per process. */
export class CtlContext {
  private client: TscClient | undefined;
  constructor(private readonly flags: CtlGlobalFlags) {}

  /** The daemon address: `-H`, else `TSC_HOST`, else the local socket. */
  get address(): HostAddress {
    return parseHost(this.flags.host ?? process.env.TSC_HOST ?? DEFAULT_HOST);
  }

  private get explicit(): boolean {
    return Boolean(this.flags.host ?? process.env.TSC_HOST);
  }

  /** A connected client; with no daemon on the default socket, starts one in the background first. */
  async connect(): Promise<TscClient> {
    if (this.client) return this.client;
    const addr = this.address;
    const tls: TlsFiles | undefined =
      addr.kind === "tcp" && this.flags.tlscacert && this.flags.tlscert && this.flags.tlskey
        ? { ca: this.flags.tlscacert, cert: this.flags.tlscert, key: this.flags.tlskey }
        : undefined;
    if (addr.kind === "tcp" && !tls)
      throw unavailable(`a TCP daemon address needs --tlscacert, --tlscert and --tlskey`, {
        hint: "tscd only serves TCP with mutual TLS",
      });
    const client = new TscClient(addr, tls);
    // A connect is enough to know a daemon is there: no round trip before the command's own call.
    if (!this.explicit && addr.kind === "unix" && !(await listening(addr.path)))
      await startLocalDaemon(client);
    this.client = client;
    return client;
  }

  /** Closes the connection. */
  close(): void {
    this.client?.close();
  }
}

/** Whether something accepts connections on the unix socket `path` (no file, or a stale one: no). */
export function listening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function ping(client: TscClient): Promise<boolean> {
  if (client.address.kind === "unix" && !existsSync(client.address.path)) return false;
  try {
    await client.call("System", "ping", {});
    return true;
  } catch (e) {
    if (isTscError(e, "Unavailable")) return false;
    throw e;
  }
}

/** `tscd` next to this CLI in the workspace, else on PATH. */
function tscdCommand(): string[] {
  const local = join(cliPackageRoot(), "../daemon/bin/tscd.js");
  return existsSync(local) ? [local] : ["tscd"];
}

async function startLocalDaemon(client: TscClient): Promise<void> {
  if (process.getuid?.() !== 0)
    throw unavailable(
      `Cannot connect to the tsc daemon at unix://${(client.address as { path: string }).path}`,
      {
        hint: "start tscd as root (or run tscctl as root to have it started for you)",
      },
    );
  const [file, ...args] = tscdCommand();
  const child = spawn(file!, [...args, "--detach"], { stdio: "ignore", env: daemonEnv() });
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", () => resolve());
  });
  process.stderr.write(
    "tscctl: no daemon was running; started tscd in the background (log: /var/lib/tsc/tscd.log)\n",
  );
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await ping(client)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw unavailable("tscd was started but does not answer", { hint: "see /var/lib/tsc/tscd.log" });
}
