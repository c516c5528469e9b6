import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

/** The mount that holds `path`: its mount point and filesystem type (from /proc/self/mountinfo). */
export function mountOf(path: string): { mountPoint: string; type: string } {
  const abs = resolve(path);
  let best = { mountPoint: "/", type: "" };
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    // Mount points escape spaces and other bytes as octal (\040).
    const mountPoint = left
      .split(" ")[4]!
      .replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    const holds = mountPoint === "/" || abs === mountPoint || abs.startsWith(`${mountPoint}/`);
    // Longest mount point wins; of equal ones, the last mounted (it hides the others).
    if (holds && mountPoint.length >= best.mountPoint.length)
      best = { mountPoint, type: right.split(" ")[0]! };
  }
  return best;
}

/**
 * Puts tscd's exec root (runc's and conmon's state, sockets, pid files) on a tmpfs unless it already
 * is on one (as /run is on most hosts): that state must not outlive a reboot, and it is written for
 * every container (on ext4, the inode churn cost about a tenth of a `compose up`). A directory that
 * already holds something (another daemon's state) is left as it is. Returns what it did.
 */
export function ensureTmpfsExecRoot(dir: string): "on-tmpfs" | "mounted" | "kept" {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  if (mountOf(abs).type === "tmpfs") return "on-tmpfs";
  if (readdirSync(abs).length > 0) return "kept";
  execFileSync("mount", ["-t", "tmpfs", "-o", "mode=0711,nosuid,nodev", "tscd-exec-root", abs]);
  return "mounted";
}
