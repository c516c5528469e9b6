import { createReadStream } from "node:fs";
import type { Manifest } from "../oci.js";
import { MEDIA } from "../oci.js";
import { parseReference } from "../reference.js";
import type { ImageStore } from "../store.js";
import { credentialsFor } from "./auth.js";
import type { RegistryOptions } from "./client.js";
import { RegistryClient } from "./client.js";

/** A push's progress, per blob. */
export interface PushProgress {
  id: string;
  status: "Preparing" | "Layer already exists" | "Mounted" | "Pushing" | "Pushed";
  /** For blobs uploaded in chunks: the number of the chunk just sent (1-based). */
  chunk?: number;
}

/** Blobs larger than this are uploaded in PATCH chunks of this size. */
const DEFAULT_CHUNK = 8 * 1024 * 1024;

/** Chunked upload: PATCH each range with Content-Range, following the Location the registry returns. */
async function uploadChunks(
  client: RegistryClient,
  scope: string,
  start: URL,
  file: string,
  size: number,
  chunkSize: number,
  onChunk: (n: number) => void,
): Promise<URL> {
  let location = start;
  for (let offset = 0, n = 1; offset < size; offset += chunkSize, n++) {
    const end = Math.min(size, offset + chunkSize) - 1;
    const res = await client.request("PATCH", location.toString(), {
      scope,
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `${offset}-${end}`,
        "content-length": String(end - offset + 1),
      },
      body: createReadStream(file, { start: offset, end }) as unknown as RequestInit["body"],
      expect: [202],
    });
    location = new URL(res.headers.get("location") ?? location.toString(), client.base);
    onChunk(n);
  }
  return location;
}

/** Options for `push`. */
export interface PushOptions extends RegistryOptions {
  onProgress?: (p: PushProgress) => void;
  authConfigFile?: string;
  /** A repository of the same registry that already holds the blobs (cross-repo mount). */
  mountFrom?: string;
  /** Blobs larger than this many bytes go up in PATCH chunks of this size (default 8 MiB). */
  chunkSize?: number;
}

/**
 * `push`: uploads the blobs the registry lacks (HEAD check, cross-repository mount when a source
 * repo is known, else a monolithic POST+PUT upload, or PATCH chunks for large blobs), then the
 * manifest under the reference's tag, recording its digest for the repository (RepoDigests).
 * Returns the manifest digest.
 */
export async function pushImage(store: ImageStore, refText: string, opts: PushOptions = {}): Promise<string> {
  const ref = parseReference(refText);
  const { record } = await store.find(refText);
  const manifest = await store.blobs.readJson<Manifest>(record.manifest);
  const credentials = opts.credentials ?? (await credentialsFor(ref.domain, opts.authConfigFile));
  const client = new RegistryClient(ref.domain, { ...opts, credentials });
  const scope = `repository:${ref.path}:pull,push${opts.mountFrom ? ` repository:${opts.mountFrom}:pull` : ""}`;
  for (const d of [...manifest.layers, manifest.config]) {
    const id = d.digest.slice(7, 19);
    // The config is no layer: Docker shows no progress for it.
    const report = d === manifest.config ? undefined : opts.onProgress;
    report?.({ id, status: "Preparing" });
    const head = await client.request("HEAD", `/v2/${ref.path}/blobs/${d.digest}`, { scope });
    if (head.status === 200) {
      report?.({ id, status: "Layer already exists" });
      continue;
    }
    const mount = opts.mountFrom
      ? `?mount=${encodeURIComponent(d.digest)}&from=${encodeURIComponent(opts.mountFrom)}`
      : "";
    const start = await client.request("POST", `/v2/${ref.path}/blobs/uploads/${mount}`, {
      scope,
      expect: [201, 202],
    });
    if (start.status === 201) {
      report?.({ id, status: "Mounted" });
      continue;
    }
    const location = new URL(start.headers.get("location") ?? "", client.base);
    report?.({ id, status: "Pushing" });
    const file = store.blobs.path(d.digest);
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK;
    if (d.size <= chunkSize) {
      location.searchParams.set("digest", d.digest);
      await client.request("PUT", location.toString(), {
        scope,
        headers: { "content-type": "application/octet-stream", "content-length": String(d.size) },
        body: createReadStream(file) as unknown as RequestInit["body"],
        expect: [201],
      });
    } else {
      const done = await uploadChunks(client, scope, location, file, d.size, chunkSize, (n) =>
        report?.({ id, status: "Pushing", chunk: n }),
      );
      done.searchParams.set("digest", d.digest);
      await client.request("PUT", done.toString(), {
        scope,
        headers: { "content-length": "0" },
        expect: [201],
      });
    }
    report?.({ id, status: "Pushed" });
  }
  const body = await store.blobs.read(record.manifest);
  await client.request("PUT", `/v2/${ref.path}/manifests/${ref.tag ?? "latest"}`, {
    scope,
    headers: { "content-type": manifest.mediaType ?? MEDIA.ociManifest },
    body: new Uint8Array(body),
    expect: [201],
  });
  await store.addRepoDigest(refText, record.manifest);
  return record.manifest;
}
