/**
 * `tsc-compose run`, `rm`, `create` and `push` through the real binaries on the cluster engine:
 * one-off containers (output, exit code, --rm, -d, DNS to the project's services, depends_on),
 * removal of stopped service and one-off containers, containers created but not started, and
 * pushing service images to a loopback registry; placement constraints and reservations.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRegistry } from "../../packages/runtime/test/support/registry.js";
import { startRegistry } from "../../packages/runtime/test/support/registry.js";
import type { CmdResult } from "../support/engine.js";
import { eventually, TestEngine, TSC_COMPOSE } from "../support/engine.js";

// The daemon's label is what engine.labels.* placement constraints see.
const engine = new TestEngine(undefined, ["--label", "zone=east"], "10.227.0.0/16");
let registry: TestRegistry | undefined;

/** A project directory with `yaml` as its compose.yaml. */
function project(yaml: string): string {
  const dir = mkdtempSync(join(engine.dir, "proj-"));
  writeFileSync(join(dir, "compose.yaml"), yaml);
  return dir;
}

/** tsc-compose in `cwd`, optionally with `input` on stdin. */
function compose(cwd: string, args: string[], input?: string): CmdResult {
  return engine.compose(args, { cwd, input });
}

function ok(cwd: string, args: string[]): CmdResult {
  const r = compose(cwd, args);
  if (r.code !== 0) throw new Error(`tsc-compose ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r;
}

interface PsRow {
  ID: string;
  Name: string;
  Service: string;
  State: string;
  Status: string;
  ExitCode: number;
}

function ps(cwd: string, all = false): PsRow[] {
  return ok(cwd, ["ps", ...(all ? ["-a"] : []), "--format", "json"])
    .stdout.split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as PsRow);
}

/** Names of the engine's containers of `project` (one-off ones with `oneoff`). */
function containers(project: string, oneoff = false): string[] {
  const label = oneoff ? "com.docker.compose.oneoff=True" : `com.docker.compose.project=${project}`;
  return engine
    .ctl(["ps", "-a", "--filter", `label=${label}`, "--format", "{{.Names}}"])
    .stdout.split("\n")
    .filter((n) => n.startsWith(`${project}-`))
    .sort();
}

// db serves a page; app depends on it. Both idle otherwise.
const ONEOFF = `name: oneoff
services:
  db:
    image: busybox
    init: true
    command: ["sh", "-c", "mkdir -p /www && echo db-ok > /www/index.html && exec httpd -f -p 80 -h /www"]
  app:
    image: busybox
    init: true
    command: ["sleep", "3600"]
    environment:
      GREETING: hello
    depends_on: [db]
`;

beforeAll(async () => {
  await engine.start();
  engine.loadBusybox();
}, 120_000);

afterAll(async () => {
  await engine.stop();
  await registry?.stop();
}, 180_000);

describe("tsc-compose run", () => {
  const dir = project(ONEOFF);

  it("run --rm prints the output, exits with the command's code and leaves no container", () => {
    const r = compose(dir, [
      "run",
      "--rm",
      "--no-deps",
      "-e",
      "EXTRA=more",
      "app",
      "sh",
      "-c",
      'echo "$GREETING $EXTRA"; echo oops >&2; exit 3',
    ]);
    expect(r.stdout).toBe("hello more\n");
    expect(r.stderr).toContain("oops");
    expect(r.code).toBe(3);
    expect(containers("oneoff")).toEqual([]);
    // --no-deps started nothing else.
    expect(ps(dir, true)).toEqual([]);
  });

  it("passes piped stdin through", () => {
    const r = compose(dir, ["run", "--rm", "--no-deps", "-T", "app", "sh", "-c", "tr a-z A-Z"], "piped\n");
    expect(r.stdout).toBe("PIPED\n");
    expect(r.code).toBe(0);
  });

  it("gives an attached one-off a terminal when ours is one, and none with -T", () => {
    // util-linux `script` runs tsc-compose on a pseudo-terminal, as a user's shell would.
    const onTerminal = (flags: string) =>
      spawnSync(
        "script",
        [
          "-qec",
          `${TSC_COMPOSE} run --rm --no-deps ${flags} app sh -c 'test -t 0 && test -t 1 && echo is-a-tty || echo not-a-tty'`,
          "/dev/null",
        ],
        { cwd: dir, env: engine.env, encoding: "utf8", timeout: 60_000 },
      ).stdout;
    expect(onTerminal("")).toContain("is-a-tty");
    expect(onTerminal("-T")).toContain("not-a-tty");
    expect(containers("oneoff")).toEqual([]);
  });

  it("starts depends_on first and reaches that service by its DNS name", () => {
    const r = compose(dir, ["run", "--rm", "app", "wget", "-q", "-O", "-", "http://db/"]);
    expect(r.stderr).toContain(" Container oneoff-db-1  Started");
    expect(r.stdout).toBe("db-ok\n");
    expect(r.code).toBe(0);
    expect(ps(dir).map((x) => `${x.Name} ${x.State}`)).toEqual(["oneoff-db-1 running"]);
    const dns = compose(dir, ["run", "--rm", "app", "nslookup", "db"]);
    expect(dns.stdout).toMatch(/Address: 10\.237\.\d+\.\d+/);
    expect(containers("oneoff", true)).toEqual([]);
  });

  it("run -d prints the container's name, labelled as Compose's one-offs; rm -f removes it", async () => {
    const r = ok(dir, ["run", "-d", "--no-deps", "app", "sh", "-c", "exit 0"]);
    const name = r.stdout.trim();
    expect(name).toMatch(/^oneoff-app-run-[0-9a-f]{12}$/);
    const labels = engine.ctl(["inspect", "--format", "{{json .Config.Labels}}", name]).stdout;
    expect(JSON.parse(labels)).toMatchObject({
      "com.docker.compose.project": "oneoff",
      "com.docker.compose.service": "app",
      "com.docker.compose.oneoff": "True",
    });
    await eventually(
      () => engine.ctl(["inspect", "--format", "{{.State.Status}}", name]).stdout.trim() === "exited",
      "the one-off to exit",
    );
    const rm = ok(dir, ["rm", "-f"]);
    expect(rm.stdout).toBe(`Going to remove ${name}\n`);
    expect(rm.stderr).toContain(`Container ${name}  Removed`);
    expect(containers("oneoff", true)).toEqual([]);
    // db still runs: rm only removes stopped containers.
    expect(ps(dir).map((x) => x.Name)).toEqual(["oneoff-db-1"]);
  });

  it("down removes running one-off containers with the services", () => {
    const d = project(ONEOFF.replace("name: oneoff", "name: downrun"));
    ok(d, ["up", "-d", "--progress", "quiet"]);
    const name = ok(d, ["run", "-d", "app", "sleep", "600"]).stdout.trim();
    expect(containers("downrun", true)).toEqual([name]);
    // Like Compose, `ps` lists one-off containers only with -a.
    expect(ps(d).map((x) => x.Name)).toEqual(["downrun-app-1", "downrun-db-1"]);
    expect(ps(d, true).map((x) => `${x.Name} ${x.State}`)).toContain(`${name} running`);
    const down = ok(d, ["down", "--progress", "plain"]);
    expect(down.stderr).toContain(`Container ${name}  Removed`);
    expect(containers("downrun")).toEqual([]);
    expect(containers("downrun", true)).toEqual([]);
  });

  it("run --use-aliases makes the one-off answer to its service's name; without, the name is unknown", () => {
    const made: string[] = [];
    try {
      made.push(ok(dir, ["run", "-d", "--no-deps", "app", "sleep", "300"]).stdout.trim());
      // No task of app runs: only a one-off with the service's aliases would answer to "app".
      expect(compose(dir, ["run", "--rm", "--no-deps", "db", "nslookup", "app"]).stdout).toContain(
        "can't find app: NXDOMAIN",
      );
      const aliased = ok(dir, [
        "run",
        "-d",
        "--no-deps",
        "--use-aliases",
        "app",
        "sleep",
        "300",
      ]).stdout.trim();
      made.push(aliased);
      const ip = engine
        .ctl(["inspect", "--format", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", aliased])
        .stdout.trim();
      expect(ip).toMatch(/^10\.237\./);
      expect(ok(dir, ["run", "--rm", "--no-deps", "db", "nslookup", "app"]).stdout).toContain(
        `Address: ${ip}`,
      );
    } finally {
      engine.ctl(["rm", "-f", ...made]);
    }
  });

  it("fails with exit 1 and one clear line for an unknown service or a bad -e", () => {
    const r = compose(dir, ["run", "--rm", "nosuch", "true"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tsc-compose: no such service: "nosuch"/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    const env = compose(dir, ["run", "--rm", "-e", "=x", "app", "true"]);
    expect(env.code).toBe(1);
    expect(env.stderr.trim()).toBe('tsc-compose: invalid environment variable: "=x"');
    expect(containers("oneoff", true)).toEqual([]);
  });

  it("says `no such service` for a name the project lacks in every per-service command, with a guess", () => {
    for (const args of [
      ["logs", "nosuch"],
      ["exec", "nosuch", "true"],
      ["top", "nosuch"],
      ["kill", "nosuch"],
    ]) {
      const r = compose(dir, args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toBe(
        'tsc-compose: no such service: "nosuch" (the project\'s services are: db, app)\n',
      );
    }
    expect(compose(dir, ["logs", "ap"]).stderr).toBe(
      'tsc-compose: no such service: "ap" (did you mean "app"?)\n',
    );
  });
});

describe("tsc-compose rm", () => {
  const dir = project(ONEOFF.replace("name: oneoff", "name: removal"));

  it("removes stopped service containers (after a confirmation); up brings them back", () => {
    ok(dir, ["up", "-d", "--progress", "quiet"]);
    expect(compose(dir, ["rm", "-f"]).stderr).toBe("No stopped containers\n");
    ok(dir, ["stop"]);
    expect(ps(dir, true).map((r) => `${r.Name} ${r.State}`)).toEqual([
      "removal-app-1 exited",
      "removal-db-1 exited",
    ]);
    const no = compose(dir, ["rm"], "n\n");
    expect(no.code).toBe(0);
    expect(no.stdout).toBe("Going to remove removal-app-1, removal-db-1\nAre you sure? [yN] ");
    expect(ps(dir, true)).toHaveLength(2);
    const yes = compose(dir, ["rm", "app"], "y\n");
    expect(yes.code).toBe(0);
    expect(yes.stderr).toContain(" Container removal-app-1  Removed");
    expect(ps(dir, true).map((r) => r.Name)).toEqual(["removal-db-1"]);
    const forced = ok(dir, ["rm", "-f"]);
    expect(forced.stdout).toBe("Going to remove removal-db-1\n");
    expect(ps(dir, true)).toEqual([]);
    ok(dir, ["up", "-d", "--progress", "quiet"]);
    expect(ps(dir).map((r) => `${r.Name} ${r.State}`)).toEqual([
      "removal-app-1 running",
      "removal-db-1 running",
    ]);
  });

  it("rm -s -f stops and removes a service and its one-offs; rm of an unknown service fails", () => {
    const oneOff = ok(dir, ["run", "-d", "--no-deps", "app", "sleep", "300"]).stdout.trim();
    const r = ok(dir, ["rm", "-s", "-f", "-v", "app"]);
    expect(r.stdout).toBe(`Going to remove removal-app-1, ${oneOff}\n`);
    expect(ps(dir, true).map((x) => x.Name)).toEqual(["removal-db-1"]);
    expect(containers("removal")).toEqual(["removal-db-1"]);
    const start = compose(dir, ["start", "app"]);
    expect(start.code).toBe(1);
    expect(start.stderr).toBe('tsc-compose: service "app" has no container to start\n');
    const bad = compose(dir, ["rm", "-f", "nosuch"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'tsc-compose: no such service: "nosuch" (the project\'s services are: app, db)\n',
    );
    ok(dir, ["down", "--progress", "quiet"]);
  });
});

describe("tsc-compose create", () => {
  it("creates containers without starting them; start runs them", () => {
    const dir = project(ONEOFF.replace("name: oneoff", "name: created"));
    const r = ok(dir, ["create", "--progress", "plain"]);
    expect(r.stderr).toContain(" Container created-app-1  Created");
    expect(r.stderr).toContain(" Container created-db-1  Created");
    expect(ps(dir)).toEqual([]);
    expect(ps(dir, true).map((x) => `${x.Name} ${x.State} ${x.Status}`)).toEqual([
      "created-app-1 created Created",
      "created-db-1 created Created",
    ]);
    expect(containers("created")).toEqual([]);
    // Created containers are stopped ones to rm; create makes them again.
    expect(ok(dir, ["rm", "-f"]).stdout).toBe("Going to remove created-app-1, created-db-1\n");
    expect(ps(dir, true)).toEqual([]);
    ok(dir, ["create", "--progress", "quiet"]);
    ok(dir, ["start"]);
    expect(ps(dir).map((x) => `${x.Name} ${x.State}`)).toEqual([
      "created-app-1 running",
      "created-db-1 running",
    ]);
    ok(dir, ["down", "--progress", "quiet"]);
  });

  it("restart restarts the same containers in place, several times in a row, keeping their logs", () => {
    const dir = project(
      ONEOFF.replace("name: oneoff", "name: restarted").replace(
        'command: ["sleep", "3600"]',
        'command: ["sh", "-c", "echo booted; exec sleep 3600"]',
      ),
    );
    ok(dir, ["up", "-d", "--wait", "--progress", "quiet"]);
    const ids = () => ps(dir).map((x) => `${x.Name} ${x.State} ${x.ID}`);
    const before = ids();
    for (let i = 0; i < 3; i++) {
      const r = ok(dir, ["restart"]);
      expect(r.stderr).not.toMatch(/already exists|failed/);
      for (const name of ["restarted-app-1", "restarted-db-1"]) {
        expect(r.stderr).toContain(`Container ${name}  Restarting`);
        expect(r.stderr).toContain(`Container ${name}  Started`);
      }
      // The same containers (as Compose's restart), running again.
      expect(ids()).toEqual(before);
    }
    expect(containers("restarted")).toEqual(["restarted-app-1", "restarted-db-1"]);
    // One container, four boots: its log kept every one of them.
    const logs = ok(dir, ["logs", "--no-log-prefix", "app"]).stdout;
    expect(logs.match(/booted/g)).toHaveLength(4);
    ok(dir, ["down", "--progress", "quiet"]);
  });
});

describe("placement", () => {
  const PLACED = `name: placed
services:
  east:
    image: busybox
    command: ["sleep", "3600"]
    deploy:
      placement:
        constraints: ["engine.labels.zone == east", "node.role==manager", "node.platform.os==linux"]
      resources:
        reservations: { cpus: "0.1", memory: 16M }
  west:
    image: busybox
    command: ["sleep", "3600"]
    deploy:
      placement:
        constraints: ["engine.labels.zone==west"]
`;

  it("runs what the node satisfies; up fails at once, saying why, for what no node does", () => {
    // The daemon shows its labels as Docker's does.
    expect(engine.ctl(["info", "--format", "{{json .Labels}}"]).stdout.trim()).toBe('["zone=east"]');
    expect(engine.ctl(["info"]).stdout).toContain(" Labels:\n  zone=east\n");
    const dir = project(PLACED);
    try {
      const started = Date.now();
      const r = compose(dir, ["up", "-d"]);
      expect(r.code).toBe(1);
      expect(Date.now() - started).toBeLessThan(60_000);
      expect(r.stderr).toContain(
        "tsc-compose: container placed-west-1 cannot be placed: no suitable node (placement constraints (engine.labels.zone==west) not satisfied on 1 node)",
      );
      const rows = ps(dir, true);
      expect(rows.find((p) => p.Service === "east")?.State).toBe("running");
      expect(rows.find((p) => p.Service === "west")?.Status).toMatch(
        /^Pending: no suitable node \(placement constraints/,
      );
    } finally {
      ok(dir, ["down", "-t", "0"]);
    }
  });
});

describe("stop timeouts", () => {
  // Exits 0 on SIGTERM (after its current 1 s sleep at most): a kill shows as 137.
  const GRACEFUL = `name: graceful
services:
  app:
    image: busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
`;

  it("stop keeps the containers (IDs, logs, addresses); start and kill + start run the same ones", () => {
    const dir = project(
      GRACEFUL.replace("name: graceful", "name: keeper").replace(
        "trap 'exit 0' TERM;",
        "echo booted; trap 'exit 0' TERM;",
      ),
    );
    /** The project's containers as the engine has them: ID, name, state. */
    const engineView = (): string[] =>
      engine
        .ctl([
          "ps",
          "-a",
          "--filter",
          "label=com.docker.compose.project=keeper",
          "--format",
          "{{.ID}} {{.Names}} {{.State}}",
        ])
        .stdout.split("\n")
        .filter(Boolean);
    const ip = (): string =>
      engine
        .ctl([
          "inspect",
          "--format",
          "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
          "keeper-app-1",
        ])
        .stdout.trim();
    try {
      ok(dir, ["up", "-d", "--progress", "quiet"]);
      const [running] = engineView();
      const id = running!.split(" ")[0]!;
      const address = ip();
      expect(running).toBe(`${id} keeper-app-1 running`);

      ok(dir, ["stop"]);
      expect(engineView()).toEqual([`${id} keeper-app-1 exited`]);
      expect(ps(dir, true).map((r) => `${r.Name} ${r.State} ${r.ExitCode}`)).toEqual([
        "keeper-app-1 exited 0",
      ]);

      ok(dir, ["start"]);
      expect(engineView()).toEqual([`${id} keeper-app-1 running`]);
      expect(ip()).toBe(address);
      expect(ok(dir, ["logs", "--no-log-prefix", "app"]).stdout).toBe("booted\nbooted\n");

      ok(dir, ["kill", "app"]);
      expect(engineView()).toEqual([`${id} keeper-app-1 exited`]);
      ok(dir, ["start", "app"]);
      expect(engineView()).toEqual([`${id} keeper-app-1 running`]);
      expect(ok(dir, ["logs", "--no-log-prefix", "app"]).stdout).toBe("booted\nbooted\nbooted\n");

      // up over stopped containers starts the same ones again.
      ok(dir, ["stop", "-t", "0"]);
      ok(dir, ["up", "-d", "--progress", "quiet"]);
      expect(engineView()).toEqual([`${id} keeper-app-1 running`]);
    } finally {
      ok(dir, ["down", "-t", "0"]);
    }
    expect(engineView()).toEqual([]);
  });

  it("stop -t 0 kills at once; stop without -t lets the container end itself", () => {
    const dir = project(GRACEFUL);
    // The newest task's (ps -a lists a slot's history oldest first).
    const exitCode = () =>
      ps(dir, true)
        .filter((r) => r.Service === "app")
        .at(-1)?.ExitCode;
    try {
      ok(dir, ["up", "-d"]);
      ok(dir, ["stop", "-t", "0"]);
      expect(exitCode()).toBe(137);
      ok(dir, ["start"]);
      ok(dir, ["stop"]);
      expect(exitCode()).toBe(0);
      const bad = compose(dir, ["stop", "-t", "soon"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("argument 'soon' is invalid. expected a whole number of seconds");
    } finally {
      ok(dir, ["down", "-t", "0"]);
    }
  });
});

describe("tsc-compose push", () => {
  it("pushes the services' images to a registry, from where tscctl pull gets them", async () => {
    registry = await startRegistry();
    const image = `${registry.host}/compose/app:v1`;
    const missing = `${registry.host}/compose/missing:v1`;
    expect(engine.ctl(["tag", "busybox", image]).code).toBe(0);
    const dir = project(
      `name: pushed\nservices:\n  app:\n    image: ${image}\n  broken:\n    image: ${missing}\n    profiles: [extra]\n`,
    );
    const r = ok(dir, ["push"]);
    expect(r.stderr).toContain(" app Pushed");
    expect(r.stderr).not.toContain("broken");
    expect(engine.ctl(["rmi", image]).code).toBe(0);
    const pull = engine.ctl(["pull", image]);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toMatch(/Digest: sha256:[0-9a-f]{64}/);
    // A failure ends the push with exit 1, unless --ignore-push-failures.
    const failed = compose(dir, ["--profile", "extra", "push", "-q"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split("\n")).toHaveLength(1);
    const ignored = compose(dir, ["--profile", "extra", "push", "-q", "--ignore-push-failures"]);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toContain(" broken Error ");
  });
});

describe("up SERVICE, ps, down --rmi, pulls, orphans (Compose's behaviour)", () => {
  it("up -d SERVICE brings up its dependencies first: healthy db, completed migrate, then app", () => {
    const dir = project(`name: partial
services:
  db:
    image: busybox
    init: true
    command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 3600"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 10
  migrate:
    image: busybox
    command: ["sh", "-c", "echo migrated"]
    depends_on:
      db:
        condition: service_healthy
  app:
    image: busybox
    init: true
    command: ["sleep", "3600"]
    depends_on:
      migrate:
        condition: service_completed_successfully
  other:
    image: busybox
    command: ["sleep", "3600"]
`);
    try {
      // --progress is a global option, as in Compose v2.
      const up = compose(dir, ["--progress", "json", "up", "-d", "app"]);
      expect(up.code, up.stderr).toBe(0);
      const events = up.stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { id: string; status: string });
      const at = (id: string, status: string) => events.findIndex((e) => e.id === id && e.status === status);
      expect(at("Container partial-app-1", "Started")).toBeGreaterThan(
        at("Container partial-migrate-1", "Exited"),
      );
      const rows = ps(dir, true).map((r) => `${r.Name} ${r.State}`);
      expect(rows).toEqual(["partial-app-1 running", "partial-db-1 running", "partial-migrate-1 exited"]);
    } finally {
      ok(dir, ["down", "-t", "0"]);
    }
  });

  it("ps lists paused containers, and -a one row per container, never the slot's history", async () => {
    const dir = project(`name: rows
services:
  web:
    image: busybox
    command: ["sleep", "3600"]
  bad:
    image: busybox
    command: ["sh", "-c", "exit 3"]
`);
    try {
      ok(dir, ["up", "-d", "web"]);
      // Each up replaces bad's ended task: its slot then has a history of tasks.
      const badEnded = () => ps(dir, true).some((r) => r.Service === "bad" && r.State === "exited");
      for (let i = 0; i < 3; i++) {
        compose(dir, ["up", "-d"]);
        await eventually(badEnded, "bad to exit");
      }
      ok(dir, ["pause", "web"]);
      const up = ps(dir);
      expect(up.map((r) => `${r.Name} ${r.State}`)).toEqual(["rows-web-1 paused"]);
      expect(up[0]!.Status).toMatch(/^Up .*\(Paused\)$/);
      expect(ps(dir, true).map((r) => `${r.Name} ${r.State}`)).toEqual([
        "rows-bad-1 exited",
        "rows-web-1 paused",
      ]);
      ok(dir, ["unpause", "web"]);
    } finally {
      ok(dir, ["down", "-t", "0"]);
    }
  });

  it("down --rmi local keeps images named by image:, --rmi all removes them", () => {
    expect(engine.ctl(["tag", "busybox", "rmi-test:1"]).code).toBe(0);
    const dir = project(
      `name: rmi\nservices:\n  app:\n    image: rmi-test:1\n    command: ["sleep", "3600"]\n`,
    );
    const has = () => engine.ctl(["image", "inspect", "rmi-test:1"]).code === 0;
    try {
      ok(dir, ["up", "-d"]);
      const local = ok(dir, ["down", "-t", "0", "--rmi", "local"]);
      expect(local.stderr).not.toContain("Image");
      expect(has()).toBe(true);
      ok(dir, ["up", "-d"]);
      expect(ok(dir, ["down", "-t", "0", "--rmi", "all"]).stderr).toContain(" Image rmi-test:1  Removed");
      expect(has()).toBe(false);
    } finally {
      // On a failure above: nothing of this test is left for the others.
      compose(dir, ["down", "-t", "0"]);
      engine.ctl(["rmi", "rmi-test:1"]);
    }
  });

  it("pulls missing images before starting anything, and fails before deploying when a pull fails", () => {
    // A registry nobody listens on: a pull fails at once.
    const absent = "127.0.0.1:1/nosuch/image:1";
    const dir = project(`name: pulls
services:
  a:
    image: ${absent}
  b:
    image: busybox
    command: ["sleep", "3600"]
`);
    const up = compose(dir, ["up", "-d"]);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain(" a Pulling");
    expect(up.stderr).toMatch(/ a Error .+/);
    expect(up.stderr).not.toContain("Container");
    expect(ps(dir, true)).toEqual([]);

    const never = compose(dir, ["up", "-d", "--pull", "never"]);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(`No such image: ${absent}`);
    expect(never.stderr).not.toContain("Pulling");
    expect(ps(dir, true)).toEqual([]);

    // An image the engine has is not pulled; --pull always pulls it, and its failure leaves the running container alone.
    const cached = "127.0.0.1:1/cached/busybox:1";
    expect(engine.ctl(["tag", "busybox", cached]).code).toBe(0);
    const dir2 = project(
      `name: pulls2\nservices:\n  c:\n    image: ${cached}\n    command: ["sleep", "3600"]\n`,
    );
    try {
      expect(ok(dir2, ["up", "-d"]).stderr).not.toContain("Pulling");
      const [before] = ps(dir2);
      const always = compose(dir2, ["up", "-d", "--pull", "always", "--force-recreate"]);
      expect(always.code).toBe(1);
      expect(always.stderr).toContain(" c Pulling");
      expect(ps(dir2).map((r) => `${r.ID} ${r.State}`)).toEqual([`${before!.ID} running`]);
    } finally {
      ok(dir2, ["down", "-t", "0"]);
      engine.ctl(["rmi", cached]);
    }
  });

  it("warns about orphan containers, removes them with --remove-orphans, and creates only used volumes", () => {
    const file = (services: string) => `name: orph
services:
${services}
volumes:
  used: {}
  warn_v: {}
`;
    const web = `  web:\n    image: busybox\n    command: ["sleep", "3600"]\n    volumes: [used:/data]\n`;
    const old = `  old:\n    image: busybox\n    init: true\n    command: ["sleep", "3600"]\n`;
    const dir = project(file(web + old));
    try {
      const up = ok(dir, ["up", "-d"]);
      expect(up.stderr).toContain(" Volume orph_used  Created");
      expect(up.stderr).not.toContain("warn_v");
      writeFileSync(join(dir, "compose.yaml"), file(web));
      const warned = ok(dir, ["up", "-d"]);
      expect(warned.stderr).toContain(
        "WARN[0000] Found orphan containers ([orph-old-1]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
      );
      expect(ps(dir).map((r) => r.Name)).toEqual(["orph-old-1", "orph-web-1"]);
      // down without --remove-orphans leaves the orphan, and the network it uses.
      const keptDown = ok(dir, ["down", "-t", "0"]);
      expect(keptDown.stderr).toContain("Found orphan containers ([orph-old-1])");
      expect(keptDown.stderr).toContain(" Container orph-web-1  Removed");
      expect(keptDown.stderr).toContain(" Network orph_default  Resource is still in use");
      expect(containers("orph")).toEqual(["orph-old-1"]);
      ok(dir, ["up", "-d"]);
      const removed = ok(dir, ["up", "-d", "--remove-orphans"]);
      expect(removed.stderr).toContain(" Container orph-old-1  Removed");
      expect(removed.stderr).not.toContain("Found orphan");
      expect(containers("orph")).toEqual(["orph-web-1"]);
    } finally {
      const down = ok(dir, ["down", "-t", "0", "-v"]);
      expect(down.stderr).toContain(" Volume orph_used  Removed");
      expect(down.stderr).not.toContain("warn_v");
    }
  });
});

describe("tsc-compose up attached", () => {
  const ATTACHED = `name: attach
services:
  quick:
    image: busybox
    command: ["sh", "-c", "sleep 1; echo done here; exit 3"]
  waiter:
    image: busybox
    command: ["sh", "-c", "trap 'echo got TERM; exit 0' TERM; echo waiting; while :; do sleep 1; done"]
`;

  it("streams prefixed output, aborts on a container's exit, stops the rest and shows their last words", () => {
    const dir = project(ATTACHED);
    try {
      const r = compose(dir, ["up", "--abort-on-container-exit"]);
      expect(r.code).toBe(3);
      const lines = r.stdout.split("\n");
      expect(lines[0]).toMatch(
        /^Attaching to (attach-quick-1, attach-waiter-1|attach-waiter-1, attach-quick-1)$/,
      );
      expect(lines).toContain("attach-quick-1   | done here");
      expect(lines).toContain("attach-waiter-1  | waiting");
      expect(lines).toContain("attach-quick-1 exited with code 3");
      const aborting = lines.indexOf("Aborting on container exit...");
      expect(aborting).toBeGreaterThan(lines.indexOf("attach-quick-1 exited with code 3"));
      // What the other container printed as it stopped, and its exit, come after the abort.
      expect(lines.indexOf("attach-waiter-1  | got TERM")).toBeGreaterThan(aborting);
      expect(lines).toContain("attach-waiter-1 exited with code 0");
      expect(r.stderr).toContain(" Container attach-waiter-1  Stopped");
      // Stopped, not removed: both containers are still there.
      expect(ps(dir, true).map((x) => `${x.Name} ${x.State} ${x.ExitCode}`)).toEqual([
        "attach-quick-1 exited 3",
        "attach-waiter-1 exited 0",
      ]);
    } finally {
      ok(dir, ["down", "-t", "0"]);
    }
  });

  it("stops the project on Ctrl-C, keeping its containers", async () => {
    const dir = project(
      ATTACHED.replace("name: attach", "name: ctrlc").replace(
        "sleep 1; echo done here; exit 3",
        "trap 'exit 0' TERM; echo up; while :; do sleep 1; done",
      ),
    );
    const child = spawn(TSC_COMPOSE, ["up"], {
      cwd: dir,
      env: engine.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((r) => child.on("close", r));
    try {
      await eventually(
        () => out.includes("ctrlc-waiter-1  | waiting") && out.includes("ctrlc-quick-1   | up"),
        "both containers' output",
      );
      child.kill("SIGINT");
      await exited;
      expect(out).toContain("Gracefully stopping... (press Ctrl+C again to force)");
      expect(out).toContain("ctrlc-waiter-1  | got TERM");
      expect(err).toContain(" Container ctrlc-quick-1  Stopped");
      expect(ps(dir, true).map((x) => `${x.Name} ${x.State}`)).toEqual([
        "ctrlc-quick-1 exited",
        "ctrlc-waiter-1 exited",
      ]);
    } finally {
      child.kill("SIGKILL");
      ok(dir, ["down", "-t", "0"]);
    }
  });
});
