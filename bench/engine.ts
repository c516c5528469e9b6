/**
 * bench/engine: the daemon as users meet it, through the real tscd and tscctl binaries.
 *  - `tscctl run -d` until the container runs, p50/p95 over N containers, next to raw
 *    `runc run --detach` of the same rootfs in the same run (and the same call through the API
 *    in-process, to separate the CLI's own start-up from the engine);
 *  - `tscctl ps` (and the List call) with M containers running;
 *  - tscd's RSS idle and with M containers.
 *
 *   pnpm build && sudo pnpm exec tsx bench/engine.ts [N=50] [M=200]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHost, TscClient } from "@tsc/api";
import { ImageStore } from "@tsc/runtime";
import { TestEngine } from "../test/support/engine.js";
import { ms, pct, time } from "./support/measure.js";

const N = Number(process.argv[2] ?? 50);
const M = Number(process.argv[3] ?? 200);
const rssOf = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

const engine = new TestEngine(undefined, [], "10.225.0.0/16");
const runcRoot = join(engine.dir, "raw-runc");
const rawIds: string[] = [];
try {
  await engine.start();
  engine.loadBusybox();
  const rootfs = JSON.parse(engine.ctl(["image", "inspect", "--format", "json", "busybox"]).stdout) as {
    Id: string;
  };
  // Raw runc: a bundle with a copy of the image's rootfs, the same `sleep` process, detached.
  const layerDir = (await new ImageStore(engine.dataRoot).resolve("busybox")).layerDirs[0]!;
  const bundle = join(engine.dir, "raw-bundle");
  mkdirSync(bundle, { recursive: true });
  cpSync(layerDir, join(bundle, "rootfs"), { recursive: true, verbatimSymlinks: true });
  execFileSync("runc", ["spec"], { cwd: bundle });
  const spec = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8"));
  spec.process.terminal = false;
  spec.process.args = ["sleep", "3600"];
  spec.root.readonly = false;
  writeFileSync(join(bundle, "config.json"), JSON.stringify(spec));

  const raw: number[] = [];
  const cli: number[] = [];
  const api: number[] = [];
  const client = new TscClient(parseHost(`unix://${engine.socket}`));
  for (let i = 0; i < N; i++) {
    const id = `raw-${i}`;
    raw.push(
      time(() =>
        spawnSync("runc", ["--root", runcRoot, "run", "--detach", "--bundle", bundle, id], {
          stdio: "ignore",
        }),
      ),
    );
    rawIds.push(id);
    spawnSync("runc", ["--root", runcRoot, "delete", "--force", id]);
    cli.push(
      time(() => {
        const r = engine.ctl(["run", "-d", "busybox", "sleep", "3600"]);
        if (r.code !== 0) throw new Error(r.stderr);
      }),
    );
    const t0 = performance.now();
    await client.call("Containers", "create", {
      specJson: JSON.stringify({ image: "busybox", cmd: ["sleep", "3600"], pull: "never" }),
      start: true,
    });
    api.push(performance.now() - t0);
  }
  const rawP50 = pct(raw, 50);
  console.log(`run -d to running, ${N} containers each (image ${rootfs.Id.slice(7, 19)}):`);
  console.log(`  raw runc run --detach  p50 ${ms(rawP50)}  p95 ${ms(pct(raw, 95))}`);
  console.log(
    `  tscctl run -d          p50 ${ms(pct(cli, 50))}  p95 ${ms(pct(cli, 95))}  (${(pct(cli, 50) / rawP50).toFixed(2)}x raw runc)`,
  );
  console.log(
    `  API create+start (1 call, as run -d) p50 ${ms(pct(api, 50))}  p95 ${ms(pct(api, 95))}  (${(pct(api, 50) / rawP50).toFixed(2)}x raw runc)`,
  );
  const cliStart = [...Array(10)].map(() => time(() => engine.ctl(["--version"])));
  console.log(`  (tscctl --version, no daemon call: p50 ${ms(pct(cliStart, 50))})`);

  // Idle RSS with the 2N containers so far removed first? Measure with what is running now, then top up to M.
  const running = 2 * N;
  for (let i = running; i < M; i++) {
    await client.call("Containers", "create", {
      specJson: JSON.stringify({ image: "busybox", cmd: ["sleep", "3600"], pull: "never" }),
      start: true,
    });
  }
  // Steady state, as a user meets it: the daemon's work for the last starts (exit watches, state
  // files, events) settles first, so the figure is `ps` and not `ps` queued behind it.
  await new Promise((r) => setTimeout(r, 3000));
  const psTimes = [...Array(20)].map(() => time(() => engine.ctl(["ps"])));
  const listTimes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await client.call("Containers", "list", { all: false, filters: [], size: false });
    listTimes.push(performance.now() - t0);
  }
  const count = engine.ctl(["ps", "-q"]).stdout.trim().split("\n").length;
  console.log(`ps with ${count} running containers:`);
  console.log(`  tscctl ps    p50 ${ms(pct(psTimes, 50))}  p95 ${ms(pct(psTimes, 95))}`);
  console.log(`  API List     p50 ${ms(pct(listTimes, 50))}`);
  const rssFull = rssOf(engine.pid!);
  client.close();
  // Idle: a fresh daemon over the same data root re-adopting the same containers, then an empty one.
  await engine.terminate();
  await engine.start();
  await new Promise((r) => setTimeout(r, 2000));
  const rssReadopted = rssOf(engine.pid!);
  console.log(
    `tscd RSS: ${mib(rssFull)} with ${count} containers (after creating them), ${mib(rssReadopted)} after a restart re-adopting them`,
  );
  const ids = engine.ctl(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter(Boolean);
  for (let i = 0; i < ids.length; i += 50)
    engine.ctl(["rm", "-f", ...ids.slice(i, i + 50)], { timeoutMs: 300_000 });
  await engine.terminate();
  await engine.start();
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`tscd RSS idle (no containers): ${mib(rssOf(engine.pid!))}`);
} finally {
  for (const id of rawIds) spawnSync("runc", ["--root", runcRoot, "delete", "--force", id]);
  await engine.stop();
}
