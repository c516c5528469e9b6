import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Lazily unmounts everything mounted below `root` (deepest first): what a failed test may leave. */
export function unmountAllUnder(root: string): void {
  const mounts = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((m): m is string => m !== undefined && m.startsWith(root));
  for (const m of mounts.reverse()) execFileSync("umount", ["-l", m]);
}
