import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { mountOf } from "@tsc/runtime";

/**
 * Puts tscd's exec root (runc's and conmon's state, sockets, pid files) on a tmpfs unless it already
 * is on one (as /run is on most hosts): that state must not outlive a reboot, and it is written for
 * every container (on ext4, the inode churn cost about a tenth of a `compose up`). A directory that
 * already holds something (another daemon's state), or where mounting is not allowed, is left as it
 * is. Returns what it did.
 */
export function ensureTmpfsExecRoot(dir: string): "on-tmpfs" | "mounted" | "kept" {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  if (mountOf(abs).type === "tmpfs") return "on-tmpfs";
  if (readdirSync(abs).length > 0) return "kept";
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "mode=0711,nosuid,nodev", "tscd-exec-root", abs], {
      stdio: "ignore",
    });
  } catch {
    // Not allowed here (a restricted container, say): the directory works as it is.
    return "kept";
  }
  return "mounted";
}
