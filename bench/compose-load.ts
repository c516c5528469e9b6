/**
 * bench/compose-load: load + validate + normalize a generated 500-service project with 5 override
 * files, the way `tsc-compose config` does. Prints the time per run and per service; the first
 * (cold) run includes compiling the JSON schema, the others reuse it as the CLI's later loads would.
 *
 *   pnpm build && pnpm exec tsx bench/compose-load.ts [services=500] [overrides=5] [runs=10]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { loadProject, parseComposeYaml } from "@tsc/compose";
import { stringify } from "yaml";

const services = Number(process.argv[2] ?? 500);
const overrides = Number(process.argv[3] ?? 5);
const runs = Number(process.argv[4] ?? 10);

function baseFile(n: number): unknown {
  const svc: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    svc[`svc${i}`] = {
      image: `registry.local:5000/team/app${i % 17}:\${TAG:-1.${i % 9}}`,
      command: ["sh", "-c", `echo ${i} && sleep infinity`],
      environment: [`INDEX=${i}`, "MODE=${MODE:-prod}", "EMPTY="],
      ports: [`${10000 + i}:80`, `127.0.0.1:${20000 + i}:81/udp`],
      volumes: [`data${i % 10}:/data`, `./conf/${i}:/etc/app:ro`],
      labels: { "com.example.index": String(i), tier: i % 2 ? "back" : "front" },
      depends_on: i > 0 ? [`svc${i - 1}`] : undefined,
      healthcheck: { test: ["CMD", "true"], interval: "10s", timeout: "2s", retries: 3 },
      deploy: { resources: { limits: { cpus: "0.5", memory: "128m" } } },
      networks: ["front", "back"],
    };
  }
  const volumes: Record<string, unknown> = {};
  for (let i = 0; i < 10; i++) volumes[`data${i}`] = {};
  return { name: "bench", services: svc, networks: { front: {}, back: { internal: true } }, volumes };
}

function overrideFile(n: number, k: number): unknown {
  const svc: Record<string, unknown> = {};
  for (let i = k; i < n; i += overrides) {
    svc[`svc${i}`] = {
      environment: { OVERRIDE: String(k), [`K${k}`]: "v" },
      labels: [`override.${k}=yes`],
      ports: [`${30000 + i * 5 + k}:90`],
      healthcheck: { interval: `${k + 1}m30s` },
    };
  }
  return { services: svc };
}

const dir = mkdtempSync(join(tmpdir(), "tsc-bench-compose-"));
try {
  const files = [join(dir, "compose.yaml")];
  writeFileSync(files[0]!, stringify(baseFile(services)));
  for (let k = 0; k < overrides; k++) {
    const f = join(dir, `override-${k}.yaml`);
    writeFileSync(f, stringify(overrideFile(services, k)));
    files.push(f);
  }
  const times: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    const t0 = performance.now();
    const { project } = await loadProject({ files, workingDir: dir, env: { MODE: "bench" } });
    times.push(performance.now() - t0);
    if (Object.keys(project.services).length !== services) throw new Error("wrong service count");
  }
  // The share of the YAML parser (the `yaml` package, positions included) in a warm load.
  const texts = files.map((f) => [f, readFileSync(f, "utf8")] as const);
  const parseTimes: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (const [f, text] of texts) parseComposeYaml(text, f);
    parseTimes.push(performance.now() - t0);
  }
  parseTimes.sort((a, b) => a - b);
  const parseMedian = parseTimes[Math.floor(parseTimes.length / 2)]!;
  const [cold, ...warm] = times;
  warm.sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)]!;
  const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
  console.log(`compose-load: ${services} services, ${overrides} override files, ${runs} warm runs`);
  console.log(
    `  cold (includes schema compile): ${fmt(cold!)}  (${((cold! * 1000) / services).toFixed(0)} µs/service)`,
  );
  console.log(
    `  warm median:                    ${fmt(median)}  (${((median * 1000) / services).toFixed(0)} µs/service)`,
  );
  console.log(`  warm best / worst:              ${fmt(warm[0]!)} / ${fmt(warm[warm.length - 1]!)}`);
  const bytes = texts.reduce((n, [, t]) => n + t.length, 0);
  console.log(
    `  of which YAML parsing:          ${fmt(parseMedian)} for ${(bytes / 1024).toFixed(0)} KiB; the rest (interpolate, validate, merge, normalize): ${fmt(Math.max(0, median - parseMedian))}`,
  );
  console.log(
    `  target: < 150 ms for the whole project -> ${median < 150 ? "met" : "NOT met"} (warm median)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
