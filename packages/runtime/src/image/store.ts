import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { failedPrecondition, invalidArgument, notFound, TscError } from "@tsc/core";
import { BlobStore } from "./blobs.js";
import { applyChanges } from "./changes.js";
import type { ImageRecord } from "./index-file.js";
import { ImageIndexFile } from "./index-file.js";
import { chainIds, LayerStore } from "./layers.js";
import type { ImageConfigBlob, Manifest, OciImageConfig } from "./oci.js";
import { MEDIA } from "./oci.js";
import { familiarName, formatReference, parseReference, repositoryName } from "./reference.js";

/** An image ready to run: its config and unpacked layers (lowest first, for overlay lowerdir). */
export interface ResolvedImage {
  /** `sha256:…`, the config digest. */
  id: string;
  /** The reference it was resolved from, canonical. */
  ref: string;
  config: OciImageConfig;
  layerDirs: string[];
}

/** What `list` and `inspect` show of an image (Docker's field names). */
export interface ImageSummary {
  Id: string;
  RepoTags: string[];
  /** `busybox@sha256:…`: the manifest digest per repository it was pulled from or pushed to. */
  RepoDigests: string[];
  Created: string | undefined;
  Size: number;
  Architecture: string;
  Os: string;
  Config: OciImageConfig;
  RootFS: { Type: string; Layers: string[] };
  History: ImageConfigBlob["history"];
  Holders: string[];
}

const ID_PREFIX = /^(sha256:)?[a-f0-9]{6,64}$/;

/**
 * The local image store: blobs under `<dataRoot>/images/blobs`, an index of images and tags, and
 * unpacked layers under `<dataRoot>/layers`. Images enter by `import` (a rootfs tar), `load`
 * (docker-save or OCI archives, see archive.ts) or pulls, and are found by reference or ID prefix.
 */
export class ImageStore {
  readonly blobs: BlobStore;
  readonly layers: LayerStore;
  private readonly index: ImageIndexFile;
  /**
   * Containers (or other holders) using each image, which cannot be deleted while any remain. Kept
   * in memory, not in the index: the container runtime re-retains its containers' images when it
   * opens (see ContainerManager.recover), so creating and removing containers writes no index.
   */
  private readonly holders = new Map<string, Set<string>>();

  constructor(readonly dataRoot: string) {
    this.blobs = new BlobStore(join(dataRoot, "images", "blobs"));
    this.layers = new LayerStore(join(dataRoot, "layers"));
    this.index = new ImageIndexFile(join(dataRoot, "images", "index.json"));
  }

  /**
   * Records an image whose manifest and blobs are stored, tagging it with `refs`, and with the
   * manifest digest `repoDigest` (`repo@sha256:…`, from a pull) when given. Returns its ID.
   */
  async register(manifestDigest: string, refs: string[], repoDigest?: string): Promise<string> {
    const manifest = await this.blobs.readJson<Manifest>(manifestDigest);
    const id = manifest.config.digest;
    const tags = refs.map((r) => formatReference(parseReference(r)));
    await this.index.update((data) => {
      for (const other of Object.values(data.images))
        other.repoTags = other.repoTags.filter((t) => !tags.includes(t));
      const rec: ImageRecord = data.images[id] ?? {
        manifest: manifestDigest,
        repoTags: [],
        added: new Date().toISOString(),
      };
      rec.manifest = manifestDigest;
      rec.repoTags = [...new Set([...rec.repoTags, ...tags])];
      data.images[id] = rec;
      if (repoDigest) setRepoDigest(data.images, id, repoDigest);
    });
    return id;
  }

  /**
   * Records `digest` as the manifest digest of image `ref` in `ref`'s repository (after a push),
   * replacing the one recorded for that repository before.
   */
  async addRepoDigest(ref: string, digest: string): Promise<void> {
    const { id } = await this.find(ref);
    const repoDigest = `${repositoryName(parseReference(ref))}@${digest}`;
    await this.index.update((data) => setRepoDigest(data.images, id, repoDigest));
  }

  /** The manifest digest recorded for image `ref` in `ref`'s repository, if any. */
  async repoDigest(ref: string): Promise<string | undefined> {
    const { record } = await this.find(ref);
    const repo = `${repositoryName(parseReference(ref))}@`;
    return record.repoDigests?.find((d) => d.startsWith(repo))?.slice(repo.length);
  }

  /** Stores a config and layer blobs as a new image manifest; returns the manifest digest. */
  async writeManifest(
    config: ImageConfigBlob,
    layers: { digest: string; mediaType: string }[],
  ): Promise<string> {
    const configJson = JSON.stringify(config);
    const configDigest = await this.blobs.put(configJson);
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: MEDIA.ociConfig, digest: configDigest, size: Buffer.byteLength(configJson) },
      layers: await Promise.all(layers.map(async (l) => ({ ...l, size: await this.blobs.size(l.digest) }))),
    };
    return this.blobs.put(JSON.stringify(manifest));
  }

  /** `import`: a rootfs tar becomes a one-layer image, with Dockerfile-style `changes` applied. */
  async import(
    tarFile: string,
    opts: { ref?: string; changes?: string[]; comment?: string } = {},
  ): Promise<string> {
    const layer = await this.blobs.putFile(tarFile);
    const config: ImageConfigBlob = {
      created: new Date().toISOString(),
      architecture: "amd64",
      os: "linux",
      config: applyChanges(
        { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
        opts.changes ?? [],
      ),
      rootfs: { type: "layers", diff_ids: [layer] },
      history: [
        {
          created: new Date().toISOString(),
          created_by: "tscctl import",
          comment: opts.comment ?? "Imported from tarball",
        },
      ],
    };
    const manifest = await this.writeManifest(config, [{ digest: layer, mediaType: MEDIA.ociLayer }]);
    return this.register(manifest, opts.ref ? [opts.ref] : []);
  }

  /**
   * `commit`: a new image = the parent's layers plus `layerTar`, with the parent's config updated by
   * `changes` (and `config` overrides), and a history entry. Returns the new image ID.
   */
  async commit(
    parentId: string,
    layerTar: string,
    opts: {
      ref?: string;
      config?: OciImageConfig;
      changes?: string[];
      comment?: string;
      author?: string;
    } = {},
  ): Promise<string> {
    const { record } = await this.find(parentId);
    const parentManifest = await this.blobs.readJson<Manifest>(record.manifest);
    const parent = await this.blobs.readJson<ImageConfigBlob>(parentManifest.config.digest);
    const layer = await this.blobs.putFile(layerTar);
    const now = new Date().toISOString();
    const config: ImageConfigBlob = {
      ...parent,
      created: now,
      ...(opts.author ? { author: opts.author } : {}),
      config: applyChanges({ ...parent.config, ...opts.config }, opts.changes ?? []),
      rootfs: { type: "layers", diff_ids: [...parent.rootfs.diff_ids, layer] },
      history: [
        ...(parent.history ?? []),
        {
          created: now,
          created_by: "tscctl commit",
          ...(opts.comment ? { comment: opts.comment } : {}),
          ...(opts.author ? { author: opts.author } : {}),
        },
      ],
    };
    const manifest = await this.writeManifest(config, [
      ...parentManifest.layers.map((l) => ({ digest: l.digest, mediaType: l.mediaType })),
      { digest: layer, mediaType: MEDIA.ociLayer },
    ]);
    return this.register(manifest, opts.ref ? [opts.ref] : []);
  }

  /** Finds an image by reference, full ID or unambiguous ID prefix. NotFound / InvalidArgument otherwise. */
  async find(ref: string): Promise<{ id: string; record: ImageRecord }> {
    const data = await this.index.read();
    if (ID_PREFIX.test(ref)) {
      const hex = ref.replace(/^sha256:/, "");
      const hits = Object.keys(data.images).filter((id) => id.slice(7).startsWith(hex));
      if (hits.length > 1)
        throw invalidArgument(`image ID prefix ${JSON.stringify(ref)} is ambiguous`, {
          hint: "give more characters",
        });
      if (hits.length === 1) return { id: hits[0]!, record: data.images[hits[0]!]! };
    }
    let canonical: string;
    try {
      canonical = formatReference(parseReference(ref));
    } catch (e) {
      if (ID_PREFIX.test(ref)) throw notFound("image", ref);
      throw e;
    }
    const parsed = parseReference(ref);
    const byDigest = parsed.digest ? `${repositoryName(parsed)}@${parsed.digest}` : undefined;
    for (const [id, record] of Object.entries(data.images))
      if (record.repoTags.includes(canonical) || (byDigest && record.repoDigests?.includes(byDigest)))
        return { id, record };
    throw notFound("image", familiarName(parseReference(ref)), {
      hint: "pull it, or load it from an archive",
    });
  }

  /** Resolves a reference to a runnable image, unpacking its layers if needed. */
  async resolve(ref: string): Promise<ResolvedImage> {
    const { id, record } = await this.find(ref);
    const manifest = await this.blobs.readJson<Manifest>(record.manifest);
    const config = await this.blobs.readJson<ImageConfigBlob>(id);
    const chains = chainIds(config.rootfs.diff_ids);
    if (chains.length !== manifest.layers.length)
      throw new TscError(
        "Internal",
        `image ${id} is inconsistent: ${manifest.layers.length} layers but ${chains.length} diff IDs`,
      );
    const layerDirs = await Promise.all(
      manifest.layers.map((layer, i) => this.layers.ensure(chains[i]!, this.blobs.path(layer.digest))),
    );
    return {
      id,
      ref: ID_PREFIX.test(ref) ? id : formatReference(parseReference(ref)),
      config: config.config ?? {},
      layerDirs,
    };
  }

  /** Docker-style details of one image. */
  async inspect(ref: string): Promise<ImageSummary> {
    const { id, record } = await this.find(ref);
    return this.summary(id, record);
  }

  /** Every image, newest first. */
  async list(): Promise<ImageSummary[]> {
    const data = await this.index.read();
    const all = await Promise.all(Object.entries(data.images).map(([id, rec]) => this.summary(id, rec)));
    return all.sort((a, b) => (b.Created ?? "").localeCompare(a.Created ?? ""));
  }

  /** Adds a tag to an existing image (moving it from any other image). */
  async tag(source: string, target: string): Promise<void> {
    const { record } = await this.find(source);
    await this.register(record.manifest, [target]);
  }

  /** Marks an image as used by `holder` (a container ID) in this process, so `remove` refuses it. */
  retain(imageId: string, holder: string): Promise<void> {
    let set = this.holders.get(imageId);
    if (!set) this.holders.set(imageId, (set = new Set()));
    set.add(holder);
    return Promise.resolve();
  }

  /** Drops a holder added by `retain`. */
  release(imageId: string, holder: string): Promise<void> {
    const set = this.holders.get(imageId);
    set?.delete(holder);
    if (set?.size === 0) this.holders.delete(imageId);
    return Promise.resolve();
  }

  private holdersOf(imageId: string): string[] {
    return [...(this.holders.get(imageId) ?? [])];
  }

  /**
   * `rmi`: a reference that is one of several tags only untags; otherwise the image is deleted with
   * the blobs and layers no other image uses. Refused while containers use it, unless `force`
   * (which still refuses running ones: the caller checks those).
   */
  async remove(
    ref: string,
    opts: { force?: boolean } = {},
  ): Promise<{ untagged: string[]; deleted: string[] }> {
    const { id } = await this.find(ref);
    const canonical = ID_PREFIX.test(ref) ? undefined : formatReference(parseReference(ref));
    const result = await this.index.update((data) => {
      const rec = data.images[id]!;
      if (canonical && rec.repoTags.length > 1) {
        rec.repoTags = rec.repoTags.filter((t) => t !== canonical);
        return { untagged: [canonical], deleted: [] as string[], gone: undefined };
      }
      const holders = this.holdersOf(id);
      if (holders.length > 0 && !opts.force)
        throw failedPrecondition(
          `image ${familiarName(parseReference(rec.repoTags[0] ?? "x"))} (${id.slice(7, 19)}) is in use by container ${holders[0]!.slice(0, 12)}`,
          {
            hint: "remove the container first, or use --force",
          },
        );
      delete data.images[id];
      return { untagged: rec.repoTags, deleted: [id], gone: rec };
    });
    if (result.gone) await this.collect(result.gone.manifest);
    return { untagged: result.untagged, deleted: result.deleted };
  }

  /**
   * `image prune`: removes dangling images (no tags), or with `all` every image no container uses.
   * Returns the removed image IDs.
   */
  async prune(opts: { all?: boolean } = {}): Promise<string[]> {
    const data = await this.index.read();
    const removed: string[] = [];
    for (const [id, rec] of Object.entries(data.images)) {
      if (this.holders.has(id)) continue;
      if (!opts.all && rec.repoTags.length > 0) continue;
      await this.index.update((d) => void delete d.images[id]);
      await this.collect(rec.manifest);
      removed.push(id);
    }
    return removed;
  }

  /** `history`: the image's build steps, newest first, with the size of each layer-creating step. */
  async history(
    ref: string,
  ): Promise<
    { Created?: string; CreatedBy?: string; Comment?: string; Size: number; EmptyLayer: boolean }[]
  > {
    const { id, record } = await this.find(ref);
    const manifest = await this.blobs.readJson<Manifest>(record.manifest);
    const config = await this.blobs.readJson<ImageConfigBlob>(id);
    let layer = 0;
    const out = (config.history ?? []).map((h) => {
      const empty = h.empty_layer ?? false;
      const size = empty ? 0 : (manifest.layers[layer++]?.size ?? 0);
      return {
        Created: h.created,
        CreatedBy: h.created_by,
        Comment: h.comment,
        Size: size,
        EmptyLayer: empty,
      };
    });
    return out.reverse();
  }

  /** Deletes the blobs and layers of a removed image that no remaining image refers to. */
  private async collect(manifestDigest: string): Promise<void> {
    const data = await this.index.read();
    const inUse = new Set<string>();
    for (const rec of Object.values(data.images)) {
      const m = await this.blobs.readJson<Manifest>(rec.manifest);
      inUse.add(rec.manifest).add(m.config.digest);
      for (const l of m.layers) inUse.add(l.digest);
      const c = await this.blobs.readJson<ImageConfigBlob>(m.config.digest);
      for (const ch of chainIds(c.rootfs.diff_ids)) inUse.add(ch);
    }
    const manifest = await this.blobs.readJson<Manifest>(manifestDigest);
    const config = await this.blobs.readJson<ImageConfigBlob>(manifest.config.digest);
    for (const ch of chainIds(config.rootfs.diff_ids)) if (!inUse.has(ch)) await this.layers.remove(ch);
    for (const d of [manifestDigest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)])
      if (!inUse.has(d)) await this.blobs.delete(d);
  }

  private async summary(id: string, record: ImageRecord): Promise<ImageSummary> {
    const manifest = await this.blobs.readJson<Manifest>(record.manifest);
    const config = await this.blobs.readJson<ImageConfigBlob>(id);
    return {
      Id: id,
      RepoTags: record.repoTags.map((t) => familiarName(parseReference(t))),
      RepoDigests: (record.repoDigests ?? []).map((d) => familiarName(parseReference(d))),
      Created: config.created,
      Size: manifest.layers.reduce((n, l) => n + l.size, 0),
      Architecture: config.architecture,
      Os: config.os,
      Config: config.config ?? {},
      RootFS: { Type: "layers", Layers: config.rootfs.diff_ids },
      History: config.history,
      Holders: this.holdersOf(id),
    };
  }

  /** A temporary directory inside the data root (same filesystem as the stores, for renames). */
  async tempDir(): Promise<string> {
    const base = join(this.dataRoot, "tmp");
    await mkdir(base, { recursive: true });
    return mkdtemp(join(base, "op-"));
  }

  /** Removes a temporary directory made by `tempDir`. */
  async dropTemp(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Sets `repoDigest` (`repo@sha256:…`) on image `id`, replacing that repository's earlier digest
 * there and taking it from any other image (one manifest is one image).
 */
function setRepoDigest(images: Record<string, ImageRecord>, id: string, repoDigest: string): void {
  const repo = repoDigest.slice(0, repoDigest.indexOf("@") + 1);
  for (const [other, rec] of Object.entries(images))
    if (other !== id && rec.repoDigests?.includes(repoDigest))
      rec.repoDigests = rec.repoDigests.filter((d) => d !== repoDigest);
  const rec = images[id]!;
  rec.repoDigests = [...(rec.repoDigests ?? []).filter((d) => !d.startsWith(repo)), repoDigest];
}
