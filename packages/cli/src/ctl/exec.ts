import type { ExecInput, ExecOutput, TscClient } from "@tsc/api";
import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import type { Ctl } from "./shared.js";
import { checkTerminalInput, runSession, terminalSize } from "./session.js";
import { collect, daemonError } from "./shared.js";

/** `exec`: runs a command in a running container; exits with its code (126/127 as Docker does). */
export function execCommand(program: Command, ctl: Ctl): void {
  program
    .command("exec")
    .description("Execute a command in a running container")
    .option("-d, --detach", "detached mode: run command in the background")
    .option("-i, --interactive", "keep STDIN open even if not attached")
    .option("-t, --tty", "allocate a pseudo-TTY")
    .option("-e, --env <KEY=VALUE>", "set environment variables", collect)
    .option("-w, --workdir <dir>", "working directory inside the container")
    .option("-u, --user <user>", "username or UID (format: <name|uid>[:<group|gid>])")
    .option("--privileged", "give extended privileges to the command")
    .argument("<container>")
    .argument("<command...>")
    .passThroughOptions()
    .action(
      async (
        container: string,
        args: string[],
        o: {
          detach?: boolean;
          interactive?: boolean;
          tty?: boolean;
          env?: string[];
          workdir?: string;
          user?: string;
        },
      ) => {
        checkTerminalInput(!!o.interactive, !!o.tty);
        const code = await execInContainer(await ctl.client(), container, args, {
          detach: !!o.detach,
          env: o.env ?? [],
          workdir: o.workdir ?? "",
          user: o.user ?? "",
          tty: !!o.tty,
          interactive: !!o.interactive,
        });
        if (code !== 0) throw new ExitError(code);
      },
    );
}

/**
 * Runs a command in a container through the Exec stream: with `interactive`, our stdin goes up as it
 * arrives (its end closes the command's stdin); output is relayed as it comes. Returns the exit code.
 */
export async function execInContainer(
  c: TscClient,
  container: string,
  args: string[],
  o: { detach: boolean; env: string[]; workdir: string; user: string; tty: boolean; interactive: boolean },
): Promise<number> {
  const interactive = o.interactive && !o.detach;
  const call = c.duplex<ExecInput, ExecOutput>("Containers", "exec");
  call.write({
    container,
    args,
    env: o.env,
    workdir: o.workdir,
    user: o.user,
    tty: o.tty,
    detach: o.detach,
    closeStdin: !interactive,
    ...(o.tty ? terminalSize() : {}),
  });
  try {
    const r = await runSession(
      call,
      { stdin: interactive, tty: o.tty },
      {
        stdin: (data) => ({ stdin: data }),
        closeStdin: () => ({ closeStdin: true }),
        resize: (rows, cols) => ({ rows, cols }),
      },
    );
    return r.exitCode ?? 0;
  } catch (e) {
    throw new ExitError(1, daemonError(c.toTscError(e)));
  }
}
