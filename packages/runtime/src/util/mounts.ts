import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** One line of /proc/self/mountinfo: where something is mounted and its filesystem type. */
export interface MountEntry {
  mountPoint: string;
  type: string;
}

/** The host's mounts, in mount order (/proc/self/mountinfo; octal escapes such as \040 decoded). */
export function mountTable(info = readFileSync("/proc/self/mountinfo", "utf8")): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of info.split("\n")) {
    const [left, right] = line.split(" - ");
    const field = left?.split(" ")[4];
    if (!field || !right) continue;
    const mountPoint = field.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ mountPoint, type: right.split(" ")[0]! });
  }
  return out;
}

/** The mount that holds `path`: the longest mount point above it, the last mounted of equal ones. */
export function mountOf(path: string, table = mountTable()): MountEntry {
  const abs = resolve(path);
  let best: MountEntry = { mountPoint: "/", type: "" };
  for (const m of table) {
    const holds = m.mountPoint === "/" || abs === m.mountPoint || abs.startsWith(`${m.mountPoint}/`);
    if (holds && m.mountPoint.length >= best.mountPoint.length) best = m;
  }
  return best;
}
