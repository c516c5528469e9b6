import type { FSWatcher } from "node:fs";
import { existsSync, watch } from "node:fs";
import { conmonPaths } from "./conmon.js";

/**
 * Notices containers' exits: conmon writes a container's exit file when its process ends. An
 * inotify watch on the file's directory sees it at once; a 1 s poll behind it covers a missed
 * event. Nothing here decides what an exit means (the container manager does).
 */
export class ExitWatcher {
  private readonly watching = new Map<string, { watcher: FSWatcher; poll: NodeJS.Timeout }>();

  constructor(private readonly runRoot: string) {}

  /** Calls `onExit` whenever the exit file of `id` is there (at once if it already is), until `unwatch`. */
  watch(id: string, onExit: () => void): void {
    this.unwatch(id);
    const { exitDir, exitFile } = conmonPaths(this.runRoot, id);
    const check = (): void => {
      if (existsSync(exitFile)) onExit();
    };
    const watcher = watch(exitDir, check);
    watcher.on("error", () => undefined);
    const poll = setInterval(check, 1000);
    poll.unref();
    this.watching.set(id, { watcher, poll });
    check();
  }

  /** Stops watching `id` (no error when it was not watched). */
  unwatch(id: string): void {
    const w = this.watching.get(id);
    if (!w) return;
    w.watcher.close();
    clearInterval(w.poll);
    this.watching.delete(id);
  }

  /** Stops every watch. */
  close(): void {
    for (const id of [...this.watching.keys()]) this.unwatch(id);
  }
}
