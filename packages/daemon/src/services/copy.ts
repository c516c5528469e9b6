import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { basename, dirname, join, posix } from "node:path";
import type { ServerReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import type { Agent } from "@tsc/agent";
import { failedPrecondition, invalidArgument, notFound } from "@tsc/core";

interface TarChunk {
  data: Buffer;
  id: string;
  path: string;
  entry: string;
}

/** The host path of `path` inside a running container (through its mount namespace, volumes included). */
function hostPath(agent: Agent, id: string, path: string): string {
  const rec = agent.containers.get(id);
  if (rec.status !== "running" && rec.status !== "paused")
    throw failedPrecondition(`container ${rec.name} is not running`, {
      hint: "start it first; cp needs a running container",
    });
  if (!path.startsWith("/")) throw invalidArgument(`container path ${JSON.stringify(path)} must be absolute`);
  return join(`/proc/${rec.pid}/root`, posix.normalize(path));
}

function tarExit(child: ReturnType<typeof spawn>, what: string): Promise<void> {
  let err = "";
  child.stderr?.on("data", (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) =>
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(invalidArgument(`${what}: ${err.trim() || `tar exited ${code}`}`)),
    ),
  );
}

/** `cp CONTAINER:SRC -`: streams a tar of SRC. */
export async function copyFrom(
  agent: Agent,
  call: ServerWritableStream<{ id: string; path: string }, { data: Buffer }>,
): Promise<void> {
  const src = hostPath(agent, call.request.id, call.request.path);
  if (!existsSync(src))
    throw notFound("path", call.request.path, { hint: `it does not exist in container ${call.request.id}` });
  const child = spawn("tar", ["-C", dirname(src), "-cf", "-", basename(src)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = tarExit(child, `cannot read ${call.request.path}`);
  for await (const chunk of child.stdout!)
    if (!call.write({ data: chunk as Buffer })) await new Promise((r) => call.once("drain", r));
  await done;
}

/** `cp - CONTAINER:DEST`: extracts the tar into DEST (a directory) or as DEST (renaming its top entry). */
export async function copyTo(
  agent: Agent,
  call: ServerReadableStream<TarChunk, unknown>,
): Promise<Record<string, never>> {
  let child: ReturnType<typeof spawn> | undefined;
  let done: Promise<void> | undefined;
  let target = { dir: "", rename: "" };
  for await (const m of call as AsyncIterable<TarChunk>) {
    if (!child) {
      const dest = hostPath(agent, m.id, m.path);
      const isDir = existsSync(dest) && statSync(dest).isDirectory();
      // A tar from stdin has no name of its own to land as: DEST must be a directory, as in Docker.
      if (!isDir && !m.entry)
        throw notFound("directory", m.path, {
          hint: `\`cp -\` extracts into an existing directory of container ${m.id}`,
        });
      target = isDir ? { dir: dest, rename: "" } : { dir: dirname(dest), rename: basename(dest) };
      if (!existsSync(target.dir))
        throw notFound("directory", dirname(m.path), { hint: `create it in container ${m.id} first` });
      child = spawn("tar", ["-C", target.dir, "-xf", "-", "--no-same-owner"], {
        stdio: ["pipe", "ignore", "pipe"],
      });
      done = tarExit(child, `cannot write ${m.path}`);
      if (target.rename && m.entry && target.rename !== m.entry)
        target.rename = `${m.entry}\0${target.rename}`;
      else target.rename = "";
    }
    if (m.data.length && !child.stdin!.write(m.data))
      await new Promise((r) => child!.stdin!.once("drain", r));
  }
  if (!child) throw invalidArgument("cp sent no data");
  child.stdin!.end();
  await done;
  if (target.rename) {
    const [from, to] = target.rename.split("\0") as [string, string];
    await rename(join(target.dir, from), join(target.dir, to));
  }
  return {};
}
