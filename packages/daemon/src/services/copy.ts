import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ServerReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import type { Agent } from "@tsc/agent";
import { invalidArgument, notFound } from "@tsc/core";

interface TarChunk {
  data: Buffer;
  id: string;
  path: string;
  entry: string;
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

/** `cp CONTAINER:SRC -`: streams a tar of SRC (the container running or not, as docker cp). */
export async function copyFrom(
  agent: Agent,
  call: ServerWritableStream<{ id: string; path: string }, { data: Buffer }>,
): Promise<void> {
  const { id, path } = call.request;
  await agent.containers.withPath(id, path, async (src) => {
    if (!existsSync(src)) throw notFound("path", path, { hint: `it does not exist in container ${id}` });
    const child = spawn("tar", ["-C", dirname(src), "-cf", "-", basename(src)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const done = tarExit(child, `cannot read ${path}`);
    for await (const chunk of child.stdout!)
      if (!call.write({ data: chunk as Buffer })) await new Promise((r) => call.once("drain", r));
    await done;
  });
}

/**
 * `cp - CONTAINER:DEST` (and `cp HOSTPATH CONTAINER:DEST`): extracts the tar into DEST (a
 * directory) or as DEST (renaming its top entry), the container running or not.
 */
export async function copyTo(
  agent: Agent,
  call: ServerReadableStream<TarChunk, unknown>,
): Promise<Record<string, never>> {
  const chunks = (call as AsyncIterable<TarChunk>)[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) throw invalidArgument("cp sent no data");
  const m = first.value;
  await agent.containers.withPath(m.id, m.path, async (dest) => {
    const isDir = existsSync(dest) && statSync(dest).isDirectory();
    // A tar from stdin has no name of its own to land as: DEST must be a directory, as in Docker.
    if (!isDir && !m.entry)
      throw notFound("directory", m.path, {
        hint: `\`cp -\` extracts into an existing directory of container ${m.id}`,
      });
    const dir = isDir ? dest : dirname(dest);
    if (!existsSync(dir))
      throw notFound("directory", dirname(m.path), { hint: `create it in container ${m.id} first` });
    const renameTo = !isDir && m.entry !== basename(dest) ? basename(dest) : "";
    const child = spawn("tar", ["-C", dir, "-xf", "-", "--no-same-owner"], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    const done = tarExit(child, `cannot write ${m.path}`);
    const write = async (data: Buffer): Promise<void> => {
      if (data.length && !child.stdin!.write(data)) await new Promise((r) => child.stdin!.once("drain", r));
    };
    await write(m.data);
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) await write(r.value.data);
    child.stdin!.end();
    await done;
    if (renameTo) await rename(join(dir, m.entry), join(dir, renameTo));
  });
  return {};
}
