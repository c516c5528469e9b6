/**
 * bench/runtime: container start latency (create + start until the process runs) through the
 * runtime package, p50/p95 over N containers, sequential and 10 in parallel, next to raw
 * `runc run` of the same rootfs in the same run; and the RSS of this process while N containers run.
 *
 *   pnpm build && sudo pnpm exec tsx bench/runtime.ts [N=50]
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerManager, ImageStore, loadArchive } from "@tsc/runtime";
import { makeBusyboxImageArchive } from "../packages/runtime/test/support/busybox.js";
import { unmountAllUnder } from "../packages/runtime/test/support/cleanup.js";

const N = Number(process.argv[2] ?? 50);
const root = mkdtempSync(join(tmpdir(), "tsc-bench-runtime-"));
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function inBatches<T>(items: T[], width: number, fn: (x: T) => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < items.length; i += width)
    out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

let manager: ContainerManager | undefined;
try {
  const images = new ImageStore(join(root, "data"));
  makeBusyboxImageArchive(join(root, "busybox.tar"));
  await loadArchive(images, join(root, "busybox.tar"));
  const image = await images.resolve("busybox");

  // Raw runc: one bundle per run (runc needs its own rootfs copy when runs overlap).
  const runcRoot = join(root, "raw-runc");
  const rawBundle = (i: number): string => {
    const b = join(root, "raw", String(i));
    mkdirSync(b, { recursive: true });
    cpSync(image.layerDirs[0]!, join(b, "rootfs"), { recursive: true, verbatimSymlinks: true });
    execFileSync("runc", ["spec"], { cwd: b });
    const spec = JSON.parse(readFileSync(join(b, "config.json"), "utf8"));
    spec.process.terminal = false;
    spec.process.args = ["true"];
    writeFileSync(join(b, "config.json"), JSON.stringify(spec));
    return b;
  };
  const bundles = Array.from({ length: 10 }, (_, i) => rawBundle(i));
  const rawRun = (i: number) =>
    timed(async () => {
      const r = spawnSync(
        "runc",
        ["--root", runcRoot, "run", "--bundle", bundles[i % 10]!, `raw-${i}-${Date.now()}`],
        { stdio: "ignore" },
      );
      if (r.status !== 0) throw new Error("runc run failed");
    });
  const ids = Array.from({ length: N }, (_, i) => i);
  const rawSeq: number[] = [];
  for (const i of ids) rawSeq.push(await rawRun(i));
  const rawPar = await inBatches(ids, 10, async (i) => {
    const b = bundles[i % 10]!;
    return timed(async () => {
      await new Promise<void>((resolve, reject) => {
        const c = spawn("runc", ["--root", runcRoot, "run", "--bundle", b, `rawp-${i}`], { stdio: "ignore" });
        c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`runc run: ${code}`))));
      });
    });
  });

  const rssBefore = process.memoryUsage().rss;
  manager = await ContainerManager.open({ dataRoot: join(root, "data"), runRoot: join(root, "run"), images });
  const m = manager;
  const startOne = async (): Promise<number> =>
    timed(async () => {
      const c = await m.create({ image: "busybox", cmd: ["sleep", "300"] });
      await m.start(c.id);
    });
  const seq: number[] = [];
  for (let i = 0; i < N; i++) seq.push(await startOne());
  const rssWith = process.memoryUsage().rss;
  const par = await inBatches(ids, 10, () => startOne());

  console.log(`runtime: ${N} containers, busybox image, runc 1.1.5 + conmon 2.1.6`);
  const row = (label: string, ours: number[], raw: number[]) =>
    console.log(
      `  ${label.padEnd(22)} p50 ${fmt(pct(ours, 50))} (raw runc run ${fmt(pct(raw, 50))}, ratio ${(pct(ours, 50) / pct(raw, 50)).toFixed(2)}x)   p95 ${fmt(pct(ours, 95))} (raw ${fmt(pct(raw, 95))}, ratio ${(pct(ours, 95) / pct(raw, 95)).toFixed(2)}x)`,
    );
  row("sequential", seq, rawSeq);
  row("10 in parallel", par, rawPar);
  console.log(
    `  RSS of the runtime process with ${N} containers running: ${(rssWith / 1024 / 1024).toFixed(1)} MiB (${(rssBefore / 1024 / 1024).toFixed(1)} MiB before any container, tsx loader included; target < 80 MB)`,
  );
  console.log(`  target: create+start p50 <= 1.5x raw runc run`);
} finally {
  if (manager) {
    for (const c of manager.list({ all: true }))
      await manager.remove(c.id, { force: true }).catch(() => undefined);
    manager.close();
  }
  spawnSync("sh", [
    "-c",
    `for c in $(runc --root ${join(root, "raw-runc")} list -q 2>/dev/null); do runc --root ${join(root, "raw-runc")} delete -f $c; done`,
  ]);
  unmountAllUnder(root);
  rmSync(root, { recursive: true, force: true });
}
