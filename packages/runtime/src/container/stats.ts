import { readFile } from "node:fs/promises";
import { totalmem } from "node:os";

/** A resource usage sample, the fields `docker stats` shows. */
export interface ContainerStats {
  read: string;
  /** Total CPU time used, in nanoseconds. */
  cpuUsageNs: number;
  memoryUsage: number;
  /** The cgroup's limit, or the host's memory when it has none (as Docker reports it). */
  memoryLimit: number;
  pids: number;
  network: { rxBytes: number; txBytes: number };
  blockIo: { readBytes: number; writeBytes: number };
}

const CGROUP_V1 = "/sys/fs/cgroup";

async function num(file: string): Promise<number> {
  return Number((await readFile(file, "utf8").catch(() => "0")).trim().split("\n")[0]) || 0;
}

/** Reads the container's cgroup (v1 controllers, as on this host) and its netns counters. */
export async function readStats(cgroupPath: string, pid: number): Promise<ContainerStats> {
  const cg = (controller: string, file: string) => `${CGROUP_V1}/${controller}${cgroupPath}/${file}`;
  const net = { rxBytes: 0, txBytes: 0 };
  if (pid > 0) {
    const dev = await readFile(`/proc/${pid}/net/dev`, "utf8").catch(() => "");
    for (const line of dev.split("\n").slice(2)) {
      const [name, rest] = line.split(":");
      if (!rest || name!.trim() === "lo") continue;
      const f = rest.trim().split(/\s+/).map(Number);
      net.rxBytes += f[0] ?? 0;
      net.txBytes += f[8] ?? 0;
    }
  }
  const blk = { readBytes: 0, writeBytes: 0 };
  for (const line of (
    await readFile(cg("blkio", "blkio.throttle.io_service_bytes"), "utf8").catch(() => "")
  ).split("\n")) {
    const [, op, v] = line.split(" ");
    if (op === "Read") blk.readBytes += Number(v);
    if (op === "Write") blk.writeBytes += Number(v);
  }
  return {
    read: new Date().toISOString(),
    cpuUsageNs: await num(cg("cpuacct", "cpuacct.usage")),
    memoryUsage: await num(cg("memory", "memory.usage_in_bytes")),
    // No limit reads as a huge number: the host's memory is the limit then, as Docker shows it.
    memoryLimit: Math.min(await num(cg("memory", "memory.limit_in_bytes")), totalmem()),
    pids: await num(cg("pids", "pids.current")),
    network: net,
    blockIo: blk,
  };
}
