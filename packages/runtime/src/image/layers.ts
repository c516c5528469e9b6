import { createHash, randomBytes } from "node:crypto";
import { open, mkdir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { run } from "../util/exec.js";

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE_MARKER = ".wh..wh..opq";

/** chain IDs of a stack of layers, from their diff IDs (OCI image spec: ChainID). */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(
      prev === undefined
        ? diffId
        : `sha256:${createHash("sha256").update(`${prev} ${diffId}`).digest("hex")}`,
    );
  }
  return out;
}

/** How a layer blob is compressed, from its first bytes. */
export async function detectCompression(file: string): Promise<"gzip" | "zstd" | "none"> {
  const fh = await open(file, "r");
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4), 0, 4, 0);
    if (bytesRead >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return "gzip";
    if (bytesRead >= 4 && buffer.readUInt32LE(0) === 0xfd2fb528) return "zstd";
    return "none";
  } finally {
    await fh.close();
  }
}

/**
 * Unpacked layers under `<root>/<chain-id hex>/`, each unpacked once: GNU tar keeps owners, modes,
 * hard links, symlinks, devices and xattrs; OCI whiteouts then become overlayfs whiteouts (`.wh.x`
 * → a 0:0 character device `x`; `.wh..wh..opq` → `trusted.overlay.opaque=y` on its directory).
 * Unpacking goes to a temporary directory renamed into place, and concurrent requests for the same
 * chain share one unpack.
 */
export class LayerStore {
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly root: string) {}

  /** The directory of an unpacked layer. */
  dir(chainId: string): string {
    return join(this.root, chainId.replace(/^sha256:/, ""));
  }

  /** True when the layer is unpacked. */
  async has(chainId: string): Promise<boolean> {
    return stat(this.dir(chainId)).then(
      () => true,
      () => false,
    );
  }

  /** Unpacks `blobFile` as layer `chainId` unless already there; returns its directory. */
  ensure(chainId: string, blobFile: string): Promise<string> {
    let p = this.inflight.get(chainId);
    if (!p) {
      p = this.unpack(chainId, blobFile).finally(() => this.inflight.delete(chainId));
      this.inflight.set(chainId, p);
    }
    return p;
  }

  /** Removes an unpacked layer. */
  async remove(chainId: string): Promise<void> {
    await rm(this.dir(chainId), { recursive: true, force: true });
  }

  private async unpack(chainId: string, blobFile: string): Promise<string> {
    const target = this.dir(chainId);
    if (await this.has(chainId)) return target;
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString("hex")}`);
    await mkdir(tmp);
    try {
      await extractTar(blobFile, tmp);
      await convertWhiteouts(tmp);
      await rename(tmp, target);
      return target;
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }
}

/** Extracts a (possibly compressed) tar keeping everything a container image needs. */
export async function extractTar(file: string, dir: string): Promise<void> {
  const compression = await detectCompression(file);
  const flags = compression === "gzip" ? ["-z"] : compression === "zstd" ? ["--zstd"] : [];
  await run(
    "tar",
    [
      "-x",
      ...flags,
      "-f",
      file,
      "-C",
      dir,
      "--numeric-owner",
      "--same-owner",
      "--same-permissions",
      "--xattrs",
      "--xattrs-include=*",
      "--no-overwrite-dir",
    ],
    { packageHint: "tar" },
  );
}

async function convertWhiteouts(dir: string): Promise<void> {
  const entries = (await readdir(dir, { recursive: true })) as string[];
  for (const rel of entries) {
    const name = basename(rel);
    if (!name.startsWith(WHITEOUT_PREFIX)) continue;
    const full = join(dir, rel);
    const parent = dirname(full);
    await unlink(full);
    if (name === OPAQUE_MARKER)
      await run("setfattr", ["-n", "trusted.overlay.opaque", "-v", "y", parent], { packageHint: "attr" });
    else await run("mknod", [join(parent, name.slice(WHITEOUT_PREFIX.length)), "c", "0", "0"]);
  }
}
