import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { readJson, writeFileAtomic } from "./fs.js";

/**
 * A JSON state file read and written whole: every change goes through `update`, one at a time in
 * this process, and is saved atomically, so concurrent operations never lose each other's writes
 * and a crash never leaves a torn file.
 */
export class JsonFile<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly empty: () => T,
  ) {}

  /** The current content (`empty()` when the file does not exist yet). */
  async read(): Promise<T> {
    try {
      return readJson<T>(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return this.empty();
      throw e;
    }
  }

  /** Applies `change` to the content and saves it; returns what `change` returned. */
  update<R>(change: (data: T) => R | Promise<R>): Promise<R> {
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
