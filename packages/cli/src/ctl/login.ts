import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import { readConfig, writeConfig } from "./config.js";
import type { Ctl } from "./shared.js";
import { daemonError } from "./shared.js";

async function serverOf(arg: string | undefined): Promise<string> {
  const { parseReference } = await import("@tsc/runtime");
  return arg
    ? parseReference(`${arg.replace(/^https?:\/\//, "").replace(/\/.*$/, "")}/x`).domain
    : "docker.io";
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString()
    .replace(/\r?\n$/, "");
}

/** `login` and `logout`: credentials checked by the daemon, stored in the config file (0600). */
export function loginCommands(program: Command, ctl: Ctl): void {
  program
    .command("login")
    .description("Log in to a registry")
    .argument("[server]", "registry host")
    .option("-u, --username <name>", "username")
    .option("-p, --password <password>", "password (prefer --password-stdin)")
    .option("--password-stdin", "take the password from stdin")
    .action(
      async (
        server: string | undefined,
        o: { username?: string; password?: string; passwordStdin?: boolean },
      ) => {
        const domain = await serverOf(server);
        const password = o.passwordStdin ? await readStdin() : o.password;
        if (!o.username || !password)
          throw new ExitError(
            1,
            "Error: Cannot perform an interactive login from a non TTY device; pass --username and --password-stdin",
          );
        if (o.password)
          process.stderr.write("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
        const client = await ctl.client();
        try {
          await client.call("Images", "login", { server: domain, username: o.username, password });
        } catch (e) {
          throw new ExitError(1, daemonError(e));
        }
        const cfg = readConfig();
        cfg.auths = {
          ...cfg.auths,
          [domain]: { auth: Buffer.from(`${o.username}:${password}`).toString("base64") },
        };
        await writeConfig(cfg);
        process.stdout.write("Login Succeeded\n");
      },
    );
  program
    .command("logout")
    .description("Log out from a registry")
    .argument("[server]", "registry host")
    .action(async (server: string | undefined) => {
      const domain = await serverOf(server);
      const cfg = readConfig();
      if (!cfg.auths?.[domain]) {
        process.stdout.write(`Not logged in to ${domain}\n`);
        return;
      }
      delete cfg.auths[domain];
      await writeConfig(cfg);
      process.stdout.write(`Removing login credentials for ${domain}\n`);
    });
}
