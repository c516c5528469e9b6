/**
 * The image store with the real tools (GNU tar, overlayfs): load/save round trips, import with
 * changes, whiteouts seen through a real overlay mount, layer sharing and removal.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageStore, loadArchive, saveArchive, MEDIA, chainIds, digestOf } from "@tsc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBusyboxImageArchive, makeBusyboxRootfs, tarDirectory } from "./support/busybox.js";

let work = "";
let archive = "";
const mounts: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "tsc-image-test-"));
  archive = join(work, "busybox.tar");
  makeBusyboxImageArchive(archive, "busybox:latest");
});
afterAll(() => {
  for (const m of mounts) spawnSync("umount", [m]);
  rmSync(work, { recursive: true, force: true });
});

const freshStore = (name: string) => new ImageStore(join(work, name));

describe("image store", () => {
  it("loads a docker-save archive and resolves it to an unpacked rootfs", async () => {
    const store = freshStore("load");
    const loaded = await loadArchive(store, archive);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.tags).toEqual(["busybox:latest"]);
    const images = await store.list();
    expect(images.map((i) => i.RepoTags)).toEqual([["busybox:latest"]]);
    const img = await store.resolve("busybox");
    expect(img.id).toBe(loaded[0]!.id);
    expect(img.config.Cmd).toEqual(["sh"]);
    expect(img.layerDirs).toHaveLength(1);
    expect(lstatSync(join(img.layerDirs[0]!, "bin/busybox")).isFile()).toBe(true);
    expect(lstatSync(join(img.layerDirs[0]!, "bin/sh")).isSymbolicLink()).toBe(true);
    // Resolving by ID prefix finds the same image.
    expect((await store.resolve(img.id.slice(7, 19))).id).toBe(img.id);
  });

  it("saves an archive that loads back into a fresh store as the same image", async () => {
    const a = freshStore("save-a");
    const id = (await loadArchive(a, archive))[0]!.id;
    const out = join(work, "saved.tar");
    await saveArchive(a, ["busybox:latest"], out);
    const names = execFileSync("tar", ["-tf", out], { encoding: "utf8" });
    expect(names).toContain("manifest.json");
    expect(names).toContain("index.json");
    expect(names).toContain("oci-layout");
    const b = freshStore("save-b");
    const loaded = await loadArchive(b, out);
    expect(loaded).toEqual([{ id, tags: ["busybox:latest"] }]);
  });

  it("imports a rootfs tar with --change instructions", async () => {
    const store = freshStore("import");
    const rootfs = join(work, "import-rootfs");
    mkdirSync(rootfs);
    makeBusyboxRootfs(rootfs);
    const tar = join(work, "rootfs.tar");
    tarDirectory(rootfs, tar);
    await store.import(tar, {
      ref: "local/app:1",
      changes: ['CMD ["httpd", "-f"]', "ENV MODE=prod", "WORKDIR /srv", "EXPOSE 8080", "USER app"],
    });
    const info = await store.inspect("local/app:1");
    expect(info.RepoTags).toEqual(["local/app:1"]);
    expect(info.Config).toMatchObject({
      Cmd: ["httpd", "-f"],
      WorkingDir: "/srv",
      User: "app",
      ExposedPorts: { "8080/tcp": {} },
    });
    expect(info.Config.Env).toContain("MODE=prod");
  });

  it("turns OCI whiteouts into overlay whiteouts that hide lower files in a real overlay mount", async () => {
    const store = freshStore("whiteouts");
    const l1 = join(work, "wl1");
    const l2 = join(work, "wl2");
    mkdirSync(join(l1, "d"), { recursive: true });
    mkdirSync(join(l2, "d"), { recursive: true });
    writeFileSync(join(l1, "gone"), "x");
    writeFileSync(join(l1, "kept"), "x");
    writeFileSync(join(l1, "d/old"), "x");
    writeFileSync(join(l2, ".wh.gone"), "");
    writeFileSync(join(l2, "d/.wh..wh..opq"), "");
    writeFileSync(join(l2, "d/new"), "x");
    const layers = [];
    for (const [i, dir] of [l1, l2].entries()) {
      const tar = join(work, `wl${i}.tar`);
      tarDirectory(dir, tar);
      layers.push({ digest: await store.blobs.putFile(tar), mediaType: MEDIA.ociLayer });
    }
    const config = {
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers" as const, diff_ids: layers.map((l) => l.digest) },
    };
    await store.register(await store.writeManifest(config, layers), ["test/whiteouts:1"]);
    const img = await store.resolve("test/whiteouts:1");
    const upper = img.layerDirs[1]!;
    expect(lstatSync(join(upper, "gone")).isCharacterDevice()).toBe(true);
    expect(
      execFileSync("getfattr", ["--only-values", "-n", "trusted.overlay.opaque", join(upper, "d")], {
        encoding: "utf8",
      }),
    ).toBe("y");
    const merged = join(work, "merged");
    mkdirSync(merged);
    execFileSync("mount", [
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${img.layerDirs[1]}:${img.layerDirs[0]}`,
      merged,
    ]);
    mounts.push(merged);
    try {
      expect(readdirSync(merged).sort()).toEqual(["d", "kept"]);
      expect(readdirSync(join(merged, "d"))).toEqual(["new"]);
    } finally {
      execFileSync("umount", [merged]);
      mounts.pop();
    }
  });

  it("unpacks a layer once for concurrent requests and leaves no temporary directory", async () => {
    const store = freshStore("concurrent");
    await loadArchive(store, archive);
    const [a, b] = await Promise.all([store.resolve("busybox"), store.resolve("busybox:latest")]);
    expect(a.layerDirs).toEqual(b.layerDirs);
    expect(readdirSync(join(work, "concurrent", "layers")).filter((n) => n.startsWith(".tmp"))).toEqual([]);
  });

  it("untags, refuses images in use, and deletes unused blobs and layers", async () => {
    const store = freshStore("remove");
    const id = (await loadArchive(store, archive))[0]!.id;
    await store.tag("busybox", "mirror/busybox:stable");
    expect(await store.remove("mirror/busybox:stable")).toEqual({
      untagged: ["docker.io/mirror/busybox:stable"],
      deleted: [],
    });
    const img = await store.resolve("busybox");
    await store.retain(id, "c0ffee");
    await expect(store.remove("busybox")).rejects.toThrowError(/in use by container c0ffee/);
    await store.release(id, "c0ffee");
    expect((await store.remove("busybox")).deleted).toEqual([id]);
    expect(existsSync(img.layerDirs[0]!)).toBe(false);
    expect(await store.blobs.has(id)).toBe(false);
    await expect(store.resolve("busybox")).rejects.toThrowError(/image "busybox:latest" not found/);
  });

  it("loads an OCI image layout archive, naming the image from its annotation", async () => {
    const a = freshStore("oci-a");
    const id = (await loadArchive(a, archive))[0]!.id;
    const out = join(work, "oci-saved.tar");
    await saveArchive(a, ["busybox:latest"], out);
    const dir = join(work, "oci-only");
    mkdirSync(dir);
    execFileSync("tar", ["-xf", out, "-C", dir]);
    rmSync(join(dir, "manifest.json"));
    const ociOnly = join(work, "oci-only.tar");
    execFileSync("tar", ["-cf", ociOnly, "-C", dir, "."]);
    const b = freshStore("oci-b");
    expect(await loadArchive(b, ociOnly)).toEqual([{ id, tags: ["busybox:latest"] }]);
  });

  it("shows history and prunes dangling images, then unused ones with all", async () => {
    const store = freshStore("prune");
    const id = (await loadArchive(store, archive))[0]!.id;
    const history = await store.history("busybox");
    expect(history[0]).toMatchObject({
      CreatedBy: "tsc test image from Debian busybox-static",
      EmptyLayer: false,
    });
    expect(history[0]!.Size).toBeGreaterThan(1_000_000);
    expect(await store.prune()).toEqual([]);
    await store.retain(id, "holder");
    expect(await store.prune({ all: true })).toEqual([]);
    await store.release(id, "holder");
    expect(await store.prune({ all: true })).toEqual([id]);
    expect(await store.list()).toEqual([]);
  });

  it("unpacks zstd and gzip compressed layers", async () => {
    const store = freshStore("compressed");
    const dir = join(work, "zdir");
    mkdirSync(join(dir, "etc"), { recursive: true });
    writeFileSync(join(dir, "etc", "zfile"), "compressed content");
    const tar = join(work, "z.tar");
    tarDirectory(dir, tar);
    const diffId = await store.blobs.putFile(tar);
    for (const [flag, mediaType] of [
      ["--zstd", MEDIA.ociLayerZstd],
      ["--gzip", MEDIA.ociLayerGzip],
    ] as const) {
      const packed = join(work, `z${flag}.tar`);
      execFileSync("tar", ["-c", flag, "-f", packed, "-C", dir, "."]);
      const layer = await store.blobs.putFile(packed);
      const config = {
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers" as const, diff_ids: [diffId] },
      };
      const ref = `test/compressed:${flag.slice(2)}`;
      await store.register(await store.writeManifest(config, [{ digest: layer, mediaType }]), [ref]);
      const img = await store.resolve(ref);
      expect(execFileSync("cat", [join(img.layerDirs[0]!, "etc", "zfile")], { encoding: "utf8" })).toBe(
        "compressed content",
      );
      await store.remove(ref);
    }
  });

  it("computes chain IDs as the OCI spec defines them", () => {
    const a = digestOf("a");
    const b = digestOf("b");
    expect(chainIds([a, b])).toEqual([a, digestOf(`${a} ${b}`)]);
  });
});
