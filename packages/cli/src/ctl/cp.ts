import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm } from "node:fs/promises";
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

/** Reads chunks until at least `n` bytes came (or the stream ended): the first tar header. */
async function head(chunks: AsyncIterator<{ data: Buffer }>, n: number): Promise<Buffer[]> {
  const got: Buffer[] = [];
  let size = 0;
  while (size < n) {
    const r = await chunks.next();
    if (r.done) break;
    got.push(r.value.data);
    size += r.value.data.length;
  }
  return got;
}

/**
 * Where and how a tar of a container's SRC_PATH lands on the host, by Docker's rules: a file into
 * an existing directory, or as DEST; a directory into an existing directory (its contents only when
 * SRC_PATH ends in `/.`), or as a new DEST directory with its contents.
 */
export function copyOutPlan(
  srcPath: string,
  srcIsDir: boolean,
  dest: string,
  destKind: "dir" | "file" | "none",
): { dir: string; strip: boolean; renameTo?: string; mkdir?: boolean } {
  const target = resolve(dest);
  if (srcIsDir) {
    if (destKind === "file") throw new ExitError(1, `Error: cannot copy a directory to a file: ${dest}`);
    if (destKind === "none") return { dir: target, strip: true, mkdir: true };
    return { dir: target, strip: srcPath === "/" || /\/\.$/.test(srcPath) };
  }
  if (destKind === "dir") return { dir: target, strip: false };
  if (dest.endsWith("/")) throw new ExitError(1, `Error: destination directory ${target} does not exist`);
  return { dir: dirname(target), strip: false, renameTo: target };
}

/** Writes the tar `chunks` of container path `srcPath` to `dest` (`-`: the tar itself to stdout). */
async function copyOut(
  chunks: AsyncIterator<{ data: Buffer }>,
  srcPath: string,
  dest: string,
): Promise<void> {
  const first = await head(chunks, 512);
  const rest = async function* (): AsyncGenerator<Buffer> {
    yield* first;
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value.data;
  };
  if (dest === "-") {
    for await (const b of rest()) if (!process.stdout.write(b)) await once(process.stdout, "drain");
    return;
  }
  // The archive's first header is its top entry's: type flag '5' at byte 156 is a directory.
  const srcIsDir = Buffer.concat(first)[156] === 0x35;
  const target = resolve(dest);
  const destKind = !existsSync(target) ? "none" : statSync(target).isDirectory() ? "dir" : "file";
  const plan = copyOutPlan(srcPath, srcIsDir, dest, destKind);
  const parent = plan.mkdir || plan.renameTo ? dirname(target) : plan.dir;
  if (!existsSync(parent)) throw new ExitError(1, `Error: destination directory ${parent} does not exist`);
  if (plan.mkdir) await mkdir(plan.dir);
  // A file saved as DEST lands in a fresh directory beside it first, so nothing else is touched.
  const into = plan.renameTo ? await mkdtemp(join(parent, ".tscctl-cp-")) : plan.dir;
  try {
    const args = ["-C", into, "-xf", "-", ...(plan.strip ? ["--strip-components=1"] : [])];
    const child = spawn("tar", args, { stdio: ["pipe", "ignore", "pipe"] });
    const done = tarDone(child, `cannot extract into ${into}`);
    try {
      for await (const b of rest()) if (!child.stdin!.write(b)) await once(child.stdin!, "drain");
    } catch (e) {
      child.kill();
      await done.catch(() => undefined);
      throw e;
    }
    child.stdin!.end();
    await done;
    if (plan.renameTo) {
      const [top] = await readdir(into);
      if (top !== undefined) await rename(join(into, top), plan.renameTo);
    }
  } finally {
    if (plan.renameTo) await rm(into, { recursive: true, force: true });
  }
}

/** `cp`: copies files between a container (running or not) and the host (tar streams, as docker cp). */
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
        try {
          await copyOut(stream[Symbol.asyncIterator](), from.path, dest);
        } catch (e) {
          if (e instanceof ExitError) throw e;
          throw new ExitError(1, daemonError(c.toTscError(e)));
        }
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
