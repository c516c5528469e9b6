import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic } from "../util/fs.js";

/** One image known to the store. */
export interface ImageRecord {
  /** The manifest this image was stored with. */
  manifest: string;
  /** Full references (`docker.io/library/busybox:latest`). */
  repoTags: string[];
  /** Containers (or other holders) that use the image; it cannot be deleted while any remain. */
  holders: string[];
  /** When it was stored here. */
  added: string;
}

/** The persisted image index: image ID (config digest) → record. */
export interface ImageIndexData {
  version: 1;
  images: Record<string, ImageRecord>;
}

/**
 * The image index file, read and written whole and atomically; every change runs through
 * `update`, one at a time, so concurrent operations in one process never lose each other's writes.
 */
export class ImageIndexFile {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  /** The current index. */
  async read(): Promise<ImageIndexData> {
    try {
      return JSON.parse(await readFile(this.file, "utf8")) as ImageIndexData;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, images: {} };
      throw e;
    }
  }

  /** Applies `change` to the index and saves it; returns what `change` returned. */
  update<T>(change: (data: ImageIndexData) => T | Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const data = await this.read();
      const result = await change(data);
      await mkdir(dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify(data, null, 2));
      return result;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
