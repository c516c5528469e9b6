import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { invalidArgument, notFound } from "@tsc/core";
import { digestOf } from "../blobs.js";
import type { Descriptor, Manifest } from "../oci.js";
import { MEDIA } from "../oci.js";
import { formatReference, parseReference, repositoryName } from "../reference.js";
import type { ImageStore } from "../store.js";
import { credentialsFor } from "./auth.js";
import type { RegistryOptions } from "./client.js";
import { RegistryClient } from "./client.js";

/** A pull's progress, per blob, in Docker's words. */
export interface PullProgress {
  id: string;
  status:
    | "Waiting"
    | "Downloading"
    | "Verifying Checksum"
    | "Download complete"
    | "Already exists"
    | "Pull complete";
  current?: number;
  total?: number;
  /** Bytes already on disk from an earlier, interrupted pull of this blob. */
  resumedFrom?: number;
}

/** Options for `pull`. */
export interface PullOptions extends RegistryOptions {
  onProgress?: (p: PullProgress) => void;
  /** Where credentials come from (a docker-style config.json). */
  authConfigFile?: string;
  platform?: { os: string; architecture: string; variant?: string };
  /** Layers downloaded at once. */
  concurrency?: number;
}

const ACCEPT = [MEDIA.ociIndex, MEDIA.dockerManifestList, MEDIA.ociManifest, MEDIA.dockerManifest].join(", ");
const inflight = new Map<string, Promise<void>>();

/**
 * `pull`: resolves the reference's manifest (choosing the platform from an index or manifest
 * list), then downloads the config and the layers it does not have, verifying every digest.
 * Layers download a few at a time into `.partial` files that survive an interrupted pull, so the
 * next pull resumes with an HTTP Range request. Records the manifest digest for the repository
 * (RepoDigests). Returns the image ID.
 */
export async function pullImage(store: ImageStore, refText: string, opts: PullOptions = {}): Promise<string> {
  const ref = parseReference(refText);
  const credentials = opts.credentials ?? (await credentialsFor(ref.domain, opts.authConfigFile));
  const client = new RegistryClient(ref.domain, { ...opts, credentials });
  const scope = `repository:${ref.path}:pull`;
  const manifestPath = (r: string) => `/v2/${ref.path}/manifests/${r}`;
  let res = await client.request("GET", manifestPath(ref.digest ?? ref.tag ?? "latest"), {
    scope,
    headers: { accept: ACCEPT },
    expect: [200],
  });
  let body = Buffer.from(await res.arrayBuffer());
  // What the reference resolves to (an index's digest for multi-platform images): Docker's digest.
  const repoDigest = `${repositoryName(ref)}@${digestOf(body)}`;
  if (ref.digest && digestOf(body) !== ref.digest)
    throw invalidArgument(`manifest digest mismatch for ${refText}`);
  let doc = JSON.parse(body.toString("utf8")) as Manifest & { manifests?: Descriptor[] };
  if (doc.manifests) {
    const want = opts.platform ?? { os: "linux", architecture: "amd64" };
    const pick = doc.manifests.find(
      (m) =>
        m.platform?.os === want.os &&
        m.platform?.architecture === want.architecture &&
        (!want.variant || m.platform?.variant === want.variant),
    );
    if (!pick)
      throw notFound(`manifest for ${want.os}/${want.architecture} in`, refText, {
        hint: "the image has no variant for this platform",
      });
    await store.blobs.put(body);
    res = await client.request("GET", manifestPath(pick.digest), {
      scope,
      headers: { accept: ACCEPT },
      expect: [200],
    });
    body = Buffer.from(await res.arrayBuffer());
    if (digestOf(body) !== pick.digest) throw invalidArgument(`manifest digest mismatch for ${pick.digest}`);
    doc = JSON.parse(body.toString("utf8")) as Manifest;
  }
  const manifestDigest = await store.blobs.put(body);
  const queue = [doc.config, ...doc.layers];
  const worker = async (): Promise<void> => {
    // The config is no layer: Docker shows no progress for it.
    for (let d = queue.shift(); d; d = queue.shift())
      await fetchBlobOnce(store, client, ref.path, scope, d, d === doc.config ? undefined : opts.onProgress);
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 3 }, worker));
  for (const l of doc.layers) opts.onProgress?.({ id: l.digest.slice(7, 19), status: "Pull complete" });
  return store.register(
    manifestDigest,
    ref.tag || !ref.digest ? [formatReference({ ...ref, digest: undefined })] : [],
    repoDigest,
  );
}

/** One download per blob per process, however many pulls want it. */
function fetchBlobOnce(
  store: ImageStore,
  client: RegistryClient,
  repo: string,
  scope: string,
  d: Descriptor,
  onProgress?: PullOptions["onProgress"],
): Promise<void> {
  let p = inflight.get(d.digest);
  if (!p) {
    p = fetchBlob(store, client, repo, scope, d, onProgress).finally(() => inflight.delete(d.digest));
    inflight.set(d.digest, p);
  }
  return p;
}

async function fetchBlob(
  store: ImageStore,
  client: RegistryClient,
  repo: string,
  scope: string,
  d: Descriptor,
  onProgress?: PullOptions["onProgress"],
): Promise<void> {
  const id = d.digest.slice(7, 19);
  if (await store.blobs.has(d.digest)) {
    onProgress?.({ id, status: "Already exists" });
    return;
  }
  const dir = join(store.dataRoot, "images", "downloads");
  await mkdir(dir, { recursive: true });
  const partial = join(dir, `${d.digest.slice(7)}.partial`);
  const have = await stat(partial).then(
    (s) => s.size,
    () => 0,
  );
  const res = await client.request("GET", `/v2/${repo}/blobs/${d.digest}`, {
    scope,
    headers: have > 0 ? { range: `bytes=${have}-` } : {},
    expect: [200, 206],
  });
  const resumed = res.status === 206 ? have : 0;
  onProgress?.({
    id,
    status: "Downloading",
    current: resumed,
    total: d.size,
    ...(resumed ? { resumedFrom: resumed } : {}),
  });
  let current = resumed;
  await pipeline(
    Readable.fromWeb(res.body as WebReadableStream),
    async function* (src) {
      for await (const chunk of src) {
        current += (chunk as Buffer).length;
        onProgress?.({ id, status: "Downloading", current, total: d.size });
        yield chunk;
      }
    },
    createWriteStream(partial, { flags: resumed ? "a" : "w" }),
  );
  onProgress?.({ id, status: "Verifying Checksum" });
  const sum = createHash("sha256")
    .update(await readFile(partial))
    .digest("hex");
  if (`sha256:${sum}` !== d.digest) {
    await rm(partial, { force: true });
    throw invalidArgument(`blob ${d.digest} failed verification (got sha256:${sum})`, { hint: "pull again" });
  }
  await store.blobs.putFile(partial, d.digest);
  await rm(partial, { force: true });
  onProgress?.({ id, status: "Download complete" });
}
