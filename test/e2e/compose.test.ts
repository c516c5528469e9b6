/**
 * `tsc-compose` on the cluster engine, through the real binaries with etcd, runc, conmon and CNI:
 * the examples up/ps/logs/scale/down, idempotent up, recreate on change, depends_on with health
 * gating, DNS answers that follow scale, a daemon killed mid-`up`, etcd paused for 10 s, and bad
 * input that starts nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { eventually, TestEngine, TSC_COMPOSE } from "../support/engine.js";

const repo = resolve(import.meta.dirname, "../..");
const engine = new TestEngine(undefined, [], "10.224.0.0/16");
const web = ["-f", join(repo, "examples/web/compose.yaml")];

function compose(args: string[], cwd?: string): string {
  const r = engine.compose(args, { cwd });
  if (r.code !== 0) throw new Error(`tsc-compose ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

interface PsRow {
  Name: string;
  Service: string;
  State: string;
  ID: string;
  Health: string;
  TaskState: string;
}

function ps(file: string[], all = false): PsRow[] {
  return compose([...file, "ps", ...(all ? ["-a"] : []), "--format", "json"])
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PsRow);
}

/** The addresses `nslookup name` answers in service `service`, in the answer's order. */
function addresses(file: string[], name: string, service = "probe"): string[] {
  const r = engine.compose([...file, "exec", service, "nslookup", name]);
  return [...r.stdout.matchAll(/^Address: (\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]!);
}

function lookup(file: string[], name: string): string[] {
  return addresses(file, name).sort();
}

beforeAll(async () => {
  await engine.start();
  engine.loadBusybox();
}, 120_000);

afterAll(async () => {
  await engine.stop();
}, 180_000);

describe("tsc-compose", () => {
  it("brings the web example up; services find each other by name and tasks.<service>", async () => {
    const out = engine.compose([...web, "up", "-d", "--progress", "plain"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(" Network webstack_default  Created");
    expect(out.stderr).toContain(" Container webstack-web-3  Started");
    const rows = ps(web);
    expect(rows.map((r) => r.Name)).toEqual([
      "webstack-probe-1",
      "webstack-web-1",
      "webstack-web-2",
      "webstack-web-3",
      "webstack-worker-1",
    ]);
    expect(rows.every((r) => r.State === "running")).toBe(true);
    // worker started after web was healthy (depends_on: service_healthy) and reaches it by name.
    await eventually(
      () => compose([...web, "logs", "worker"]).includes("hello from"),
      "the worker to reach web",
    );
    expect(compose([...web, "logs", "--no-log-prefix", "worker"])).not.toContain("not reachable");
    expect(lookup(web, "tasks.web")).toHaveLength(3);
    expect(lookup(web, "web")).toEqual(lookup(web, "tasks.web"));
    expect(lookup(web, "web.webstack")).toHaveLength(3);
    expect(lookup(web, "webstack-web-2")).toHaveLength(1);
    const nx = engine.compose([...web, "exec", "probe", "nslookup", "nosuch.webstack"]);
    expect(nx.stdout + nx.stderr).toContain("NXDOMAIN");
  });

  it("rotates the answers for web and tasks.web between lookups, every replica in each", () => {
    for (const name of ["web", "tasks.web"]) {
      const orders = [0, 1, 2, 3].map(() => addresses(web, name));
      const all = lookup(web, "tasks.web");
      expect(all).toHaveLength(3);
      for (const order of orders) expect([...order].sort()).toEqual(all);
      // Round-robin: the first address (the one a client connects to) changes between lookups.
      expect(new Set(orders.map((o) => o[0])).size).toBeGreaterThan(1);
    }
  });

  it("is idempotent: a second up changes nothing", () => {
    const before = ps(web).map((r) => r.ID);
    compose([...web, "up", "-d", "--progress", "quiet"]);
    expect(ps(web).map((r) => r.ID)).toEqual(before);
  });

  it("scales 3 → 5 → 2 and DNS follows", () => {
    compose([...web, "scale", "web=5"]);
    expect(ps(web).filter((r) => r.Service === "web")).toHaveLength(5);
    expect(lookup(web, "tasks.web")).toHaveLength(5);
    const down = engine.compose([...web, "scale", "web=2"]);
    expect(down.code).toBe(0);
    // Compose's lines: what stays is Running, what goes is Stopping, then Removed.
    expect(down.stderr).toContain(" Container webstack-web-1  Running");
    for (const n of [3, 4, 5]) expect(down.stderr).toContain(` Container webstack-web-${n}  Removed`);
    expect(
      ps(web)
        .filter((r) => r.Service === "web")
        .map((r) => r.Name),
    ).toEqual(["webstack-web-1", "webstack-web-2"]);
    expect(lookup(web, "tasks.web")).toHaveLength(2);
    compose([...web, "up", "-d", "--progress", "quiet"]);
    expect(ps(web).filter((r) => r.Service === "web")).toHaveLength(3);
  });

  it("recreates only the service whose configuration changed", () => {
    const dir = mkdtempSync(join(engine.dir, "proj-"));
    const file = join(dir, "compose.yaml");
    const write = (greeting: string) =>
      writeFileSync(
        file,
        `name: recreate\nservices:\n  a:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n    environment:\n      GREETING: ${greeting}\n  b:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n`,
      );
    write("hello");
    compose(["up", "-d", "--progress", "quiet"], dir);
    const before = new Map(ps(["-f", file]).map((r) => [r.Service, r.ID]));
    write("bonjour");
    compose(["up", "-d", "--progress", "quiet"], dir);
    const after = new Map(ps(["-f", file]).map((r) => [r.Service, r.ID]));
    expect(after.get("b")).toBe(before.get("b"));
    expect(after.get("a")).not.toBe(before.get("a"));
    expect(compose(["exec", "a", "sh", "-c", "echo $GREETING"], dir).trim()).toBe("bonjour");
    // exec, as Compose's: our stdin always, and a terminal when ours is one (util-linux `script`
    // gives tsc-compose one), unless -T.
    expect(
      engine.compose(["exec", "a", "sh", "-c", "read x; echo got $x"], { cwd: dir, input: "in\n" }).stdout,
    ).toBe("got in\n");
    const onTerminal = (flags: string) =>
      spawnSync(
        "script",
        [
          "-qec",
          `${TSC_COMPOSE} exec ${flags} a sh -c 'test -t 0 && test -t 1 && echo is-a-tty || echo not-a-tty'`,
          "/dev/null",
        ],
        { cwd: dir, env: engine.env, encoding: "utf8", timeout: 60_000 },
      ).stdout;
    expect(onTerminal("")).toContain("is-a-tty");
    expect(onTerminal("-T")).toContain("not-a-tty");
    compose(["down", "--progress", "quiet"], dir);
    expect(ps(["-f", file], true)).toEqual([]);
  });

  it("orders depends_on: healthy db, completed migration, then app", () => {
    const chain = ["-f", join(repo, "examples/depends/compose.yaml")];
    compose([...chain, "up", "-d", "--progress", "quiet"]);
    onTestFinished(() => void engine.compose([...chain, "down", "--progress", "quiet"]));
    const rows = ps(chain, true);
    expect(rows.find((r) => r.Service === "db")?.Health).toBe("healthy");
    expect(rows.find((r) => r.Service === "migrate")?.TaskState).toBe("complete");
    expect(rows.find((r) => r.Service === "app")?.State).toBe("running");
    const logs = compose([...chain, "logs", "--no-log-prefix", "migrate"]);
    expect(logs).toMatch(/migrating against db at Address: \d+\.\d+\.\d+\.\d+/);
    // down stops app before what it depends on, and db last, as Compose does.
    const down = engine.compose([...chain, "down", "-t", "0", "--progress", "plain"]).stderr;
    const at = (line: string): number => down.indexOf(line);
    expect(at(" Container chain-app-1  Stopped")).toBeGreaterThan(-1);
    expect(at(" Container chain-app-1  Stopped")).toBeLessThan(at(" Container chain-db-1  Stopping"));
    expect(at(" Container chain-db-1  Stopping")).toBeLessThan(at(" Container chain-db-1  Removed"));
  });

  it("converges after tscd is killed during up, with no duplicate or lost task", async () => {
    const vol = ["-f", join(repo, "examples/shared-volume/compose.yaml")];
    onTestFinished(() => void engine.compose([...vol, "down", "-v", "--progress", "quiet"]));
    const up = engine.spawnCtl([...vol, "up", "-d", "--progress", "plain"], TSC_COMPOSE);
    await eventually(() => up.output().includes("Creating") || up.exitCode !== null, "up to be under way");
    await engine.kill9();
    await new Promise((r) => (up.exitCode !== null ? r(null) : up.once("exit", r)));
    await engine.start();
    compose([...vol, "up", "-d", "--progress", "quiet"]);
    const rows = ps(vol, true);
    expect(
      rows
        .filter((r) => r.TaskState === "running")
        .map((r) => r.Name)
        .sort(),
    ).toEqual(["sharedvol-reader-1", "sharedvol-writer-1"]);
    const containers = engine
      .ctl(["ps", "-a", "--filter", "label=com.docker.compose.project=sharedvol", "--format", "{{.Names}}"])
      .stdout.trim()
      .split("\n")
      .sort();
    expect(containers).toEqual(["sharedvol-reader-1", "sharedvol-writer-1"]);
    await eventually(
      () => /\d{2}:\d{2}:\d{2}/.test(compose([...vol, "logs", "reader"])),
      "the reader to see the writer's lines",
    );
    // The restarted tscd leads at once (it takes back its dead predecessor's election lease), so
    // changes take effect now, not after the old lease expires.
    await eventually(
      () => engine.log.join("").includes("took back the leadership held by a dead tscd"),
      "the restarted tscd to take the leadership back",
    );
    compose([...vol, "scale", "reader=2"]);
    await eventually(
      () => ps(vol).filter((r) => r.Service === "reader" && r.TaskState === "running").length === 2,
      "a second reader",
    );
    compose([...vol, "down", "-v", "--progress", "quiet"]);
    expect(
      engine.ctl(["ps", "-a", "--filter", "label=com.docker.compose.project=sharedvol", "-q"]).stdout,
    ).toBe("");
  }, 180_000);

  it("keeps containers running while etcd is away for 10 s, with state intact after", async () => {
    const before = ps(web).map((r) => r.ID);
    const etcd = engine.etcdPid();
    process.kill(etcd, "SIGSTOP");
    try {
      await new Promise((r) => setTimeout(r, 10_000));
      const ids = engine
        .ctl(["ps", "--filter", "label=com.docker.compose.project=webstack", "-q", "--no-trunc"])
        .stdout.trim()
        .split("\n")
        .sort();
      expect(ids).toEqual([...before].sort());
      const down = engine.compose([...web, "ps"]);
      expect(down.code).not.toBe(0);
      expect(down.stderr).toMatch(/etcd .* is unreachable/);
    } finally {
      process.kill(etcd, "SIGCONT");
    }
    await eventually(() => engine.compose([...web, "ps"]).code === 0, "the stack to answer again");
    expect(ps(web).map((r) => r.ID)).toEqual(before);
  });

  it("keeps the embedded DNS as the nameserver of a service with dns:, which still finds its siblings", () => {
    const dir = mkdtempSync(join(engine.dir, "dns-"));
    // 192.0.2.53 (TEST-NET-1) answers nothing: only the names forwarded would go there.
    writeFileSync(
      join(dir, "compose.yaml"),
      `name: dnsopt\nservices:\n  a:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n    dns: ["192.0.2.53"]\n  b:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n`,
    );
    const file = ["-f", join(dir, "compose.yaml")];
    compose([...file, "up", "-d", "--progress", "quiet"]);
    onTestFinished(() => void engine.compose([...file, "down", "-t", "0", "--progress", "quiet"]));
    const gateway = compose([
      ...file,
      "exec",
      "a",
      "sh",
      "-c",
      "ip route | awk '/^default/ {print $3}'",
    ]).trim();
    expect(gateway).toMatch(/^10\.234\.\d+\.1$/);
    const resolvConf = compose([...file, "exec", "a", "cat", "/etc/resolv.conf"]);
    expect(resolvConf.match(/^nameserver .*$/gm)).toEqual([`nameserver ${gateway}`]);
    const sibling = addresses(file, "b", "a");
    expect(sibling).toEqual([expect.stringMatching(/^10\.234\.\d+\.\d+$/)]);
    expect(addresses(file, "dnsopt-b-1", "a")).toEqual(sibling);
    // inspect shows the servers given, as Docker's does.
    const [info] = JSON.parse(engine.ctl(["inspect", "dnsopt-a-1"]).stdout) as {
      HostConfig: { Dns: string[] };
    }[];
    expect(info!.HostConfig.Dns).toEqual(["192.0.2.53"]);
  });

  it("rejects bad compose input with file:line:col and starts nothing", () => {
    const dir = mkdtempSync(join(engine.dir, "bad-"));
    writeFileSync(
      join(dir, "compose.yaml"),
      'services:\n  x:\n    image: busybox\n    ports:\n      - "80:80:80:80"\n',
    );
    const r = engine.compose(["up", "-d"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compose\.yaml:5:\d+/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(engine.compose(["ls", "-q"]).stdout.trim().split("\n")).toEqual(["webstack"]);
  });

  it("brings everything down", () => {
    compose([...web, "down", "--progress", "quiet"]);
    expect(engine.ctl(["ps", "-aq"]).stdout.trim()).toBe("");
    expect(engine.ctl(["network", "ls", "--format", "{{.Name}}"]).stdout.trim()).toBe("bridge");
  });
});
