import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument, notFound } from "@tsc/core";
import { readJson } from "../util/fs.js";

const DIGEST = /^sha256:([a-f0-9]{64})$/;

/** sha256 of a buffer or string, as `sha256:<hex>`. */
export function digestOf(data: Buffer | string): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/**
 * Content-addressed blobs under `<root>/sha256/<hex>`. Every write is hashed as it streams to a
 * temporary file and renamed into place only when the digest matches, so a crash or a bad download
 * never leaves a half-written or wrong blob behind.
 */
export class BlobStore {
  constructor(private readonly root: string) {}

  /** The file of a blob (it may not exist). */
  path(digest: string): string {
    const m = DIGEST.exec(digest);
    if (!m) throw invalidArgument(`invalid digest ${JSON.stringify(digest)}`);
    return join(this.root, "sha256", m[1]!);
  }

  /** True when the blob is stored. */
  async has(digest: string): Promise<boolean> {
    return stat(this.path(digest)).then(
      () => true,
      () => false,
    );
  }

  /** Size in bytes of a stored blob. */
  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size;
  }

  /** A stored blob's bytes; NotFound when absent. */
  async read(digest: string): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch {
      throw notFound("blob", digest);
    }
  }

  /** A stored blob parsed as JSON. */
  async readJson<T>(digest: string): Promise<T> {
    try {
      return readJson<T>(this.path(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw notFound("blob", digest);
      throw e;
    }
  }

  /** Stores bytes; returns their digest. */
  async put(data: Buffer | string, expected?: string): Promise<string> {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    const { Readable: R } = await import("node:stream");
    return this.putStream(R.from([buf]), expected);
  }

  /** Stores a file's content (copied); returns its digest. */
  async putFile(file: string, expected?: string): Promise<string> {
    return this.putStream(createReadStream(file), expected);
  }

  /** Streams content in, verifying `expected` when given. */
  async putStream(input: Readable, expected?: string): Promise<string> {
    await mkdir(join(this.root, "sha256"), { recursive: true });
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString("hex")}`);
    const hash = createHash("sha256");
    try {
      await pipeline(
        input,
        async function* (source) {
          for await (const chunk of source) {
            hash.update(chunk as Buffer);
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
      const digest = `sha256:${hash.digest("hex")}`;
      if (expected && expected !== digest)
        throw invalidArgument(`content digest mismatch: expected ${expected}, got ${digest}`, {
          hint: "the source is corrupt or was modified; fetch it again",
        });
      await rename(tmp, this.path(digest));
      return digest;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Deletes a blob (no error when absent). */
  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }
}
