import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import type { Ctl } from "./shared.js";
import { daemonError } from "./shared.js";

/** `CONTAINER:PATH` → its parts; a host path (absolute, relative with ./ or a plain name without `:`) → undefined. */
export function containerPath(arg: string): { container: string; path: string } | undefined {
  const i = arg.indexOf(":");
  if (i <= 0 || arg.startsWith("/") || arg.startsWith(".")) return undefined;
  return { container: arg.slice(0, i), path: arg.slice(i + 1) || "/" };
}

function tarDone(child: ReturnType<typeof spawn>, what: string): Promise<void> {
  let err = "";
  child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((res, rej) =>
    child.on("close", (code) =>
      code === 0 ? res() : rej(new ExitError(1, `Error: ${what}: ${err.trim()}`)),
    ),
  );
}

/** `cp`: copies files between a running container and the host (tar streams, as docker cp). */
export function cpCommand(program: Command, ctl: Ctl): void {
  program
    .command("cp")
    .description("Copy files/folders between a container and the local filesystem")
    .argument("<src>", "CONTAINER:SRC_PATH, a host path, or - (a tar on stdin)")
    .argument("<dest>", "CONTAINER:DEST_PATH, a host path, or - (a tar on stdout)")
    .action(async (src: string, dest: string) => {
      const from = containerPath(src);
      const to = containerPath(dest);
      if (!!from === !!to)
        throw new ExitError(
          1,
          "Error: copying between containers or between host paths is not supported; exactly one side must be CONTAINER:PATH",
        );
      const c = await ctl.client();
      if (from) {
        const stream = c.serverStream<{ data: Buffer }>("Containers", "copyFrom", {
          id: from.container,
          path: from.path,
        });
        let out: NodeJS.WritableStream = process.stdout;
        let done: Promise<void> = Promise.resolve();
        let renameTo: [string, string] | undefined;
        let child: ReturnType<typeof spawn> | undefined;
        if (dest !== "-") {
          const target = resolve(dest);
          const isDir = existsSync(target) && statSync(target).isDirectory();
          const dir = isDir ? target : dirname(target);
          if (!existsSync(dir)) throw new ExitError(1, `Error: destination directory ${dir} does not exist`);
          if (!isDir && basename(from.path) !== basename(target))
            renameTo = [join(dir, basename(from.path)), target];
          child = spawn("tar", ["-C", dir, "-xf", "-"], { stdio: ["pipe", "ignore", "pipe"] });
          done = tarDone(child, `cannot extract into ${dir}`);
          out = child.stdin!;
        }
        try {
          for await (const m of stream as AsyncIterable<{ data: Buffer }>)
            if (!out.write(m.data)) await new Promise((r) => out.once("drain", r));
        } catch (e) {
          child?.kill();
          throw new ExitError(1, daemonError(c.toTscError(e)));
        }
        if (dest !== "-") out.end();
        await done;
        if (renameTo) await rename(...renameTo);
        return;
      }
      const first = { id: to!.container, path: to!.path, entry: src === "-" ? "" : basename(resolve(src)) };
      let input: NodeJS.ReadableStream = process.stdin;
      let child: ReturnType<typeof spawn> | undefined;
      let done: Promise<void> = Promise.resolve();
      if (src !== "-") {
        const path = resolve(src);
        if (!existsSync(path)) throw new ExitError(1, `Error: no such file or directory: ${src}`);
        child = spawn("tar", ["-C", dirname(path), "-cf", "-", basename(path)], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        done = tarDone(child, `cannot read ${src}`);
        input = child.stdout!;
      }
      const failure = await c.upload("Containers", "copyTo", input, first).then(
        () => undefined,
        (e: unknown) => e,
      );
      // tar's own failure (cannot read SRC) explains the daemon's best; a tar cut short by a failed call does not.
      if (failure !== undefined && child?.exitCode === null) {
        done.catch(() => undefined);
        child.kill();
      } else await done;
      if (failure !== undefined) throw new ExitError(1, daemonError(failure));
    });
}
