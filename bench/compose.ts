/**
 * bench/compose: the cluster engine on one host, next to the raw runtime in the same run.
 *  - `tsc-compose up -d` until every service runs, for stacks of 5, 20 and 50 services, and `down`,
 *    next to starting the same number of containers with raw `runc run --detach` (each the median
 *    of --repeat rounds, 3 by default: one round's figure moves by ±15% on this machine);
 *  - `tsc-compose scale` of one service 1 → 50 until converged;
 *  - the scheduler alone: 10,000 tasks on 1,000 fake nodes (in-process agents holding real gRPC
 *    sessions with the real dispatcher, state in a real etcd), placed and acknowledged running;
 *  - the embedded DNS server: queries per second and p99 latency from a client on loopback.
 *
 *   pnpm build && sudo pnpm exec tsx bench/compose.ts [--skip-cluster] [--repeat 3] [--tasks 10000 --nodes 1000]
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ImageStore } from "@tsc/runtime";
import { TestEngine } from "../test/support/engine.js";
import { ms as msOf, pct, time } from "./support/measure.js";
import { benchDns } from "./support/dns-load.js";
import { benchScheduler } from "./support/scheduler-load.js";

const ms = (x: number): string => msOf(x, 0);
const median = (xs: number[]): number => pct(xs, 50);

const args = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};

function stackFile(dir: string, name: string, services: number, replicas = 1): string {
  const lines = [`name: ${name}`, "services:"];
  for (let i = 0; i < services; i++)
    lines.push(
      `  s${i}:`,
      "    image: busybox",
      "    init: true",
      '    command: ["sleep", "3600"]',
      `    scale: ${replicas}`,
    );
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** Rounds of each engine measurement; the median is printed, with every round's figure. */
const repeat = flag("--repeat", 3);

if (!args.includes("--skip-engine")) {
  const engine = new TestEngine(undefined, [], "10.226.0.0/16");
  const runcRoot = join(engine.dir, "raw-runc");
  const rawIds: string[] = [];
  try {
    await engine.start();
    engine.loadBusybox();
    const layerDir = (await new ImageStore(engine.dataRoot).resolve("busybox")).layerDirs[0]!;
    const bundle = join(engine.dir, "raw-bundle");
    mkdirSync(bundle, { recursive: true });
    cpSync(layerDir, join(bundle, "rootfs"), { recursive: true, verbatimSymlinks: true });
    spawnSync("runc", ["spec"], { cwd: bundle });
    const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8"));
    spec.process.terminal = false;
    spec.process.args = ["sleep", "3600"];
    writeFileSync(join(bundle, "config.json"), JSON.stringify(spec));
    const raw = (n: number): number =>
      time(() => {
        for (let i = 0; i < n; i++) {
          const id = `raw-${n}-${i}`;
          spawnSync("runc", ["--root", runcRoot, "run", "--detach", "--bundle", bundle, id], {
            stdio: "ignore",
          });
          rawIds.push(id);
        }
      });
    const clearRaw = (): void => {
      for (const id of rawIds.splice(0)) spawnSync("runc", ["--root", runcRoot, "delete", "--force", id]);
    };
    console.log(
      "tsc-compose up -d until every service runs (one replica each), next to raw runc run --detach:",
    );
    for (const n of [5, 20, 50]) {
      const file = stackFile(engine.dir, `bench${n}`, n);
      const rounds: { up: number; raw: number; down: number }[] = [];
      for (let r = 0; r < repeat; r++) {
        const rawMs = raw(n);
        clearRaw();
        let result = { code: 0 as number | null, stderr: "" };
        const upMs = time(() => {
          result = engine.compose(["-f", file, "up", "-d", "--progress", "quiet"], { timeoutMs: 600_000 });
        });
        if (result.code !== 0) throw new Error(`up of ${n} services failed: ${result.stderr}`);
        const downMs = time(() =>
          engine.compose(["-f", file, "down", "--progress", "quiet"], { timeoutMs: 600_000 }),
        );
        rounds.push({ up: upMs, raw: rawMs, down: downMs });
      }
      const up = median(rounds.map((x) => x.up));
      const rawMs = median(rounds.map((x) => x.raw));
      console.log(
        `  ${String(n).padStart(2)} services: up ${ms(up)}  raw runc ${ms(rawMs)}  (${(up / rawMs).toFixed(2)}x)   down ${ms(median(rounds.map((x) => x.down)))}` +
          (repeat > 1 ? `   [rounds: ${rounds.map((x) => (x.up / x.raw).toFixed(2)).join(" ")}]` : ""),
      );
    }
    const file = stackFile(engine.dir, "scale", 1);
    const scales: { scale: number; raw: number }[] = [];
    for (let r = 0; r < repeat; r++) {
      engine.compose(["-f", file, "up", "-d", "--progress", "quiet"]);
      const scaleMs = time(() => engine.compose(["-f", file, "scale", "s0=50"], { timeoutMs: 600_000 }));
      const raw49 = raw(49);
      clearRaw();
      engine.compose(["-f", file, "down", "--progress", "quiet"], { timeoutMs: 600_000 });
      scales.push({ scale: scaleMs, raw: raw49 });
    }
    const scaleMs = median(scales.map((x) => x.scale));
    const raw49 = median(scales.map((x) => x.raw));
    console.log(
      `scale 1 → 50 converged: ${ms(scaleMs)}  (raw runc, 49 containers: ${ms(raw49)}, ${(scaleMs / raw49).toFixed(2)}x)` +
        (repeat > 1 ? `   [rounds: ${scales.map((x) => ms(x.scale)).join(" ")}]` : ""),
    );
  } finally {
    for (const id of rawIds) spawnSync("runc", ["--root", runcRoot, "delete", "--force", id]);
    await engine.stop();
  }
}

if (!args.includes("--skip-cluster")) {
  const r = await benchScheduler({ tasks: flag("--tasks", 10_000), nodes: flag("--nodes", 1_000) });
  console.log(
    `scheduler: ${r.placed}/${r.tasks} tasks on ${r.nodes} fake nodes placed and running in ${ms(r.ms)} (${r.perSecond.toFixed(0)} tasks/s)`,
  );
}

const dns = await benchDns({ seconds: 5 });
console.log(
  `DNS: ${dns.qps.toFixed(0)} queries/s, p50 ${dns.p50.toFixed(2)} ms, p99 ${dns.p99.toFixed(2)} ms (${dns.total} queries)`,
);
