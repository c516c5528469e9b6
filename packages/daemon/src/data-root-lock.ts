import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { failedPrecondition } from "@tsc/core";

/** The lock file under a data root: the PID of the tscd that owns it. */
export const LOCK_FILE = "tscd.lock";

/** Whether `pid` is a live tscd (a recycled PID running something else is not). */
function isLiveTscd(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("tscd");
  } catch {
    return false;
  }
}

/**
 * Takes a data root for this process: one tscd per data root, as dockerd's pid file check. A lock
 * left by a tscd that died (kill -9) is taken over; one held by a live tscd fails with
 * FailedPrecondition naming its PID, before anything under the data root is touched. This process's
 * own lock (a daemon restarted in-process) is taken again. Returns the release, which removes the
 * lock only while it still names this process.
 */
export function lockDataRoot(dataRoot: string): () => void {
  mkdirSync(dataRoot, { recursive: true });
  const file = join(dataRoot, LOCK_FILE);
  const mine = `${process.pid}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, mine, { flag: "wx", mode: 0o644 });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
    }
    const holder = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (holder !== process.pid && isLiveTscd(holder))
      throw failedPrecondition(`another tscd (pid ${holder}) is running with data root ${dataRoot}`, {
        hint: `stop it first (kill ${holder}), or give this one its own --data-root, --exec-root and -H`,
      });
    rmSync(file, { force: true });
  }
  return () => {
    try {
      if (readFileSync(file, "utf8") === mine) rmSync(file);
    } catch {
      // already gone
    }
  };
}
