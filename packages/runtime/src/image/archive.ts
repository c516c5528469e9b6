import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { invalidArgument } from "@tsc/core";
import { run } from "../util/exec.js";
import type { Descriptor, ImageConfigBlob, Manifest } from "./oci.js";
import { MEDIA } from "./oci.js";
import { familiarName, formatReference, parseReference } from "./reference.js";
import type { ImageStore } from "./store.js";

interface DockerSaveEntry {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
}

/** What `load` brought in. */
export interface LoadedImage {
  id: string;
  tags: string[];
}

const REF_ANNOTATIONS = ["io.containerd.image.name", "org.opencontainers.image.ref.name"];

/**
 * `load`: reads a docker-save archive (legacy `manifest.json` + layer tars) or an OCI image-layout
 * archive (`oci-layout` + `index.json` + `blobs/`), stores every blob (verified) and registers the
 * images with their tags.
 */
export async function loadArchive(store: ImageStore, archive: string): Promise<LoadedImage[]> {
  const dir = await store.tempDir();
  try {
    await run("tar", ["-x", "-f", archive, "-C", dir], { packageHint: "tar" });
    if (existsSync(join(dir, "manifest.json"))) return await loadDockerSave(store, dir);
    if (existsSync(join(dir, "index.json"))) return await loadOciLayout(store, dir);
    throw invalidArgument(`${archive} is not an image archive: it has neither manifest.json nor index.json`, {
      hint: "give a file written by `docker save` or an OCI image layout tar",
    });
  } finally {
    await store.dropTemp(dir);
  }
}

async function loadDockerSave(store: ImageStore, dir: string): Promise<LoadedImage[]> {
  const entries = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as DockerSaveEntry[];
  const out: LoadedImage[] = [];
  for (const entry of entries) {
    const configDigest = await store.blobs.putFile(join(dir, entry.Config));
    const config = await store.blobs.readJson<ImageConfigBlob>(configDigest);
    const layers: { digest: string; mediaType: string }[] = [];
    for (const layerFile of entry.Layers) {
      const digest = await store.blobs.putFile(join(dir, layerFile));
      layers.push({ digest, mediaType: await layerMediaType(store, digest) });
    }
    const manifest = await store.writeManifest(config, layers);
    const tags = entry.RepoTags ?? [];
    out.push({
      id: await store.register(manifest, tags),
      tags: tags.map((t) => familiarName(parseReference(t))),
    });
  }
  return out;
}

async function layerMediaType(store: ImageStore, digest: string): Promise<string> {
  const { detectCompression } = await import("./layers.js");
  const c = await detectCompression(store.blobs.path(digest));
  return c === "gzip" ? MEDIA.ociLayerGzip : c === "zstd" ? MEDIA.ociLayerZstd : MEDIA.ociLayer;
}

async function loadOciLayout(store: ImageStore, dir: string): Promise<LoadedImage[]> {
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8")) as { manifests: Descriptor[] };
  const blob = (d: string): string => join(dir, "blobs", ...d.split(":"));
  const out: LoadedImage[] = [];
  for (const desc of index.manifests) {
    const manifestDigest = await store.blobs.putFile(blob(desc.digest), desc.digest);
    const manifest = await store.blobs.readJson<Manifest>(manifestDigest);
    await store.blobs.putFile(blob(manifest.config.digest), manifest.config.digest);
    for (const l of manifest.layers) await store.blobs.putFile(blob(l.digest), l.digest);
    const name = REF_ANNOTATIONS.map((a) => desc.annotations?.[a]).find((n) => n !== undefined);
    const tags = name && !/^[\w][\w.-]*$/.test(name) ? [name] : [];
    out.push({
      id: await store.register(manifestDigest, tags),
      tags: tags.map((t) => familiarName(parseReference(t))),
    });
  }
  return out;
}

/**
 * `save`: writes the images to a tar that both `docker load` (via manifest.json) and OCI tools (via
 * oci-layout and index.json) read. Blobs are stored once under `blobs/sha256/`.
 */
export async function saveArchive(store: ImageStore, refs: string[], archive: string): Promise<void> {
  const dir = await store.tempDir();
  try {
    await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
    const copy = async (digest: string): Promise<string> => {
      const rel = join("blobs", ...digest.split(":"));
      if (!existsSync(join(dir, rel))) await copyFile(store.blobs.path(digest), join(dir, rel));
      return rel;
    };
    const dockerEntries: DockerSaveEntry[] = [];
    const manifests: Descriptor[] = [];
    for (const ref of refs) {
      const { id, record } = await store.find(ref);
      const manifest = await store.blobs.readJson<Manifest>(record.manifest);
      await copy(record.manifest);
      const layers: string[] = [];
      for (const l of manifest.layers) layers.push(await copy(l.digest));
      const tag = ID_LIKE.test(ref) ? record.repoTags[0] : formatReference(parseReference(ref));
      dockerEntries.push({
        Config: await copy(id),
        RepoTags: tag ? [familiarName(parseReference(tag))] : [],
        Layers: layers,
      });
      manifests.push({
        mediaType: MEDIA.ociManifest,
        digest: record.manifest,
        size: await store.blobs.size(record.manifest),
        ...(tag
          ? {
              annotations: {
                "io.containerd.image.name": tag,
                "org.opencontainers.image.ref.name": parseReference(tag).tag ?? "latest",
              },
            }
          : {}),
      });
    }
    await writeFile(join(dir, "manifest.json"), JSON.stringify(dockerEntries));
    await writeFile(
      join(dir, "index.json"),
      JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }),
    );
    await writeFile(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    await run("tar", ["-c", "-f", archive, "-C", dir, "."], { packageHint: "tar" });
  } finally {
    await store.dropTemp(dir);
  }
}

const ID_LIKE = /^(sha256:)?[a-f0-9]{6,64}$/;
