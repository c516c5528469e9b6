import type { StatsSample } from "@tsc/api";
import { describe, expect, it } from "vitest";
import type { StatsRow } from "./stats.js";
import { cpuPercent, renderStats } from "./stats.js";

const id = "c".repeat(64);
const sample: StatsSample = {
  id,
  name: "web",
  read: "",
  cpuUsageNs: 2e9,
  systemUsageNs: 20e9,
  onlineCpus: 2,
  memoryUsage: 1024 * 1024,
  memoryLimit: 4 * 1024 * 1024,
  pids: 3,
  rxBytes: 2048,
  txBytes: 0,
  blockRead: 0,
  blockWrite: 4096,
};
const rows: StatsRow[] = [
  {
    container: "web",
    id,
    name: "web",
    cpuPercent: cpuPercent(sample, { ...sample, cpuUsageNs: 1e9, systemUsageNs: 10e9 }),
    sample,
  },
  { container: "d".repeat(64), id: "d".repeat(64), name: "stopped", cpuPercent: 0 },
];

describe("stats", () => {
  it("prints Docker's JSON object per container", () => {
    expect(renderStats(rows.slice(0, 1), { format: "json", noTrunc: false })).toBe(
      `{"BlockIO":"0B / 4KiB","CPUPerc":"20.00%","Container":"web","ID":"cccccccccccc","MemPerc":"25.00%",` +
        `"MemUsage":"1MiB / 4MiB","Name":"web","NetIO":"2KiB / 0B","PIDs":"3"}\n`,
    );
  });

  it("applies a template, and --no-trunc; a stopped container (-a) has zeros", () => {
    expect(renderStats(rows, { format: "{{.Name}} {{.CPUPerc}} {{.MemUsage}}", noTrunc: false })).toBe(
      "web 20.00% 1MiB / 4MiB\nstopped 0.00% 0B / 0B\n",
    );
    expect(renderStats(rows, { format: "{{.ID}}", noTrunc: true })).toBe(`${id}\n${"d".repeat(64)}\n`);
    expect(renderStats([], { noTrunc: false })).toMatch(
      /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS\n$/,
    );
  });
});
