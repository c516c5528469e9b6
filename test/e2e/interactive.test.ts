/**
 * Interactive stdin through the real tscd and tscctl binaries: `run -i` attached, `attach` and
 * `start -a -i` (through conmon's attach socket), `exec -i` streaming as input arrives, and
 * `exec -t` on a pseudo-terminal, resized when the client's terminal is.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, TestEngine, TSCCTL } from "../support/engine.js";

let engine: TestEngine;
/** Containers the current test made; removed after it, passed or not. */
const made: string[] = [];
/** Background clients the current test started; killed after it. */
const clients: ChildProcess[] = [];

beforeAll(async () => {
  engine = new TestEngine(undefined, [], "10.228.0.0/16");
  await engine.start();
  expect(engine.loadBusybox()).toContain("Loaded image: busybox:latest");
}, 120_000);

afterEach(() => {
  for (const c of clients.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  if (made.length) engine.ctl(["rm", "-f", ...made.splice(0)]);
});

afterAll(async () => {
  await engine?.stop();
}, 120_000);

function ok(args: string[], input?: string): string {
  const r = engine.ctl(args, { input });
  if (r.code !== 0) throw new Error(`tscctl ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Starts tscctl with a stdin to write to; returns it with a way to await its exit code. */
function interactive(args: string[]) {
  const child = engine.spawnCtl(args, undefined, { stdin: true });
  clients.push(child);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, exited, output: child.output };
}

/**
 * tscctl on a pseudo-terminal of util-linux `script`, as in a user's terminal: what we write is
 * typed, `output()` is what the terminal shows, `tty()` the terminal's device (once set up).
 */
function onTerminal(args: string) {
  const script = spawn("script", ["-qfec", `${TSCCTL} ${args}`, "/dev/null"], {
    env: engine.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  clients.push(script);
  let out = "";
  script.stdout.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((r) => script.once("exit", (code) => r(code)));
  const tty = (): string => {
    const pid = script.pid!;
    const [client] = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/);
    return client ? readlinkSync(`/proc/${client}/fd/0`) : "";
  };
  return { type: (s: string) => script.stdin.write(s), output: () => out, exited, tty };
}

describe("run -i (attached)", () => {
  it("pipes stdin to the container, prints its output and exits 0", () => {
    made.push("cat-once");
    const r = engine.ctl(["run", "-i", "--rm", "--name", "cat-once", "busybox", "cat"], { input: "hi\n" });
    expect(r).toMatchObject({ code: 0, stdout: "hi\n" });
    expect(engine.ctl(["inspect", "cat-once"]).code).toBe(1);
  });

  it("exits with the code the container's input decides", () => {
    made.push("read-exit");
    const r = engine.ctl(["run", "-i", "--name", "read-exit", "busybox", "sh", "-c", "read x; exit $x"], {
      input: "3\n",
    });
    expect(r.code).toBe(3);
  });

  it("gives a container without -i no stdin", () => {
    made.push("no-stdin");
    const r = engine.ctl(["run", "--name", "no-stdin", "busybox", "sh", "-c", "cat; echo done"], {
      input: "ignored\n",
    });
    expect(r).toMatchObject({ code: 0, stdout: "done\n" });
  });

  it("refuses -it when stdin is not a terminal, as Docker does", () => {
    const r = engine.ctl(["run", "-it", "--rm", "busybox", "true"], { input: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the input device is not a TTY");
  });

  it("refuses bad --detach-keys before creating anything, and takes --sig-proxy=false", () => {
    const before = engine.ctl(["ps", "-aq"]).stdout;
    const r = engine.ctl(["run", "-i", "--rm", "--detach-keys", "ctrl-1", "busybox", "true"], { input: "" });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'invalid detach keys "ctrl-1": use a comma-separated list of characters and ctrl-<a-z, @, [, \\, ], ^, _>, e.g. ctrl-p,ctrl-q',
    );
    expect(engine.ctl(["ps", "-aq"]).stdout).toBe(before);
    const ok = engine.ctl(
      ["run", "--rm", "--sig-proxy=false", "--detach-keys", "ctrl-a,d", "busybox", "echo", "fine"],
      { input: "" },
    );
    expect(ok).toMatchObject({ code: 0, stdout: "fine\n" });
  });

  it("takes the detach keys from the config file's detachKeys, as Docker does", async () => {
    const config = join(engine.env.TSC_CONFIG!, "config.json");
    mkdirSync(engine.env.TSC_CONFIG!, { recursive: true });
    try {
      writeFileSync(config, "{ not json");
      const broken = engine.ctl(["run", "-i", "--rm", "busybox", "true"], { input: "" });
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(new RegExp(`^tscctl: ${config}: .*; fix or remove the file\n$`));
      writeFileSync(config, JSON.stringify({ detachKeys: "ctrl-1" }));
      const bad = engine.ctl(["run", "-i", "--rm", "busybox", "true"], { input: "" });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('invalid detach keys "ctrl-1"');
      // The flag wins over the file.
      expect(
        engine.ctl(["run", "-i", "--rm", "--detach-keys", "ctrl-p,ctrl-q", "busybox", "true"]).code,
      ).toBe(0);

      // ctrl-a then d, typed on a terminal (util-linux `script` gives tscctl one), detaches.
      writeFileSync(config, JSON.stringify({ detachKeys: "ctrl-a,d" }));
      made.push("detached");
      const t = onTerminal("run -it --name detached busybox sh");
      await eventually(() => t.output().includes("/ # "), "the shell's prompt");
      t.type("\x01d");
      expect(await t.exited).toBe(0);
      expect(ok(["inspect", "--format", "{{.State.Running}}", "detached"]).trim()).toBe("true");
    } finally {
      rmSync(config, { force: true });
    }
  });
});

// Docker's names take two characters at least: `ic` stands for the brief's `c`.
describe("a container run with -d -i", () => {
  beforeAll(() => {
    ok(["run", "-d", "-i", "--name", "ic", "busybox", "cat"]);
  });
  afterAll(() => {
    engine.ctl(["rm", "-f", "ic"]);
  });

  it("takes stdin from `attach`, and keeps it open for the next client", async () => {
    expect(ok(["inspect", "--format", "{{.Config.OpenStdin}} {{.Config.StdinOnce}}", "ic"]).trim()).toBe(
      "true false",
    );
    const r = engine.ctl(["attach", "ic"], { input: "hello\n" });
    expect(r.code).toBe(0);
    await eventually(() => ok(["logs", "ic"]).includes("hello"), "hello in the container's log");
    const second = engine.ctl(["attach", "ic"], { input: "again\n" });
    expect(second.code).toBe(0);
    await eventually(() => ok(["logs", "ic"]).includes("again"), "again in the container's log");
    expect(ok(["inspect", "--format", "{{.State.Running}}", "ic"]).trim()).toBe("true");
  });

  it("streams the container's output to an attached client as its input arrives", async () => {
    const a = interactive(["attach", "ic"]);
    // cat echoes what it reads: the output proves the line went through conmon and back.
    await eventually(() => {
      a.child.stdin!.write("ping\n");
      return a.output().includes("ping");
    }, "ping echoed to the attached client");
    a.child.stdin!.end();
    expect(await a.exited).toBe(0);
    expect(ok(["inspect", "--format", "{{.State.Running}}", "ic"]).trim()).toBe("true");
  });

  it("pipes stdin to `exec -i`", () => {
    expect(engine.ctl(["exec", "-i", "ic", "cat"], { input: "a\nb\n" })).toMatchObject({
      code: 0,
      stdout: "a\nb\n",
    });
  });

  it("streams `exec -i` input: the first line's output comes before the second line is written", async () => {
    const e = interactive(["exec", "-i", "ic", "sh", "-c", 'while read l; do echo "got $l"; done; exit 5']);
    e.child.stdin!.write("one\n");
    await eventually(() => e.output().includes("got one"), "the first line's output");
    expect(e.output()).not.toContain("got two");
    e.child.stdin!.write("two\n");
    await eventually(() => e.output().includes("got two"), "the second line's output");
    e.child.stdin!.end();
    expect(await e.exited).toBe(5);
  });

  it("gives `exec -t` a pseudo-terminal", () => {
    const r = engine.ctl(["exec", "-t", "ic", "tty"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n$/);
    expect(engine.ctl(["exec", "ic", "tty"]).stdout).toContain("not a tty");
  });

  it("resizes `exec -it`'s terminal when the client's terminal changes size", async () => {
    // The test resizes tscctl's terminal as a terminal window would.
    const t = onTerminal("exec -it ic sh");
    await eventually(() => t.tty().startsWith("/dev/pts/"), "tscctl on a terminal under script");
    // Resized once the session runs (the size at the start is sent with the first message).
    await eventually(() => t.output().includes("/ # "), "the shell's prompt");
    const size = async (rows: number, cols: number): Promise<void> => {
      execFileSync("stty", ["-F", t.tty(), "rows", String(rows), "cols", String(cols)]);
      // Asks the shell for the size it sees until the resize has gone through.
      const from = t.output().length;
      await eventually(() => {
        t.type("stty size\n");
        return new RegExp(`^${rows} ${cols}\\r*$`, "m").test(t.output().slice(from));
      }, `the container's terminal at ${rows} rows × ${cols} columns`);
    };
    await size(33, 77);
    await size(40, 120);
    t.type("exit 3\n");
    expect(await t.exited).toBe(3);
    // exec -t without -i: no input, but the terminal still follows ours. (Until then the terminal
    // of script has no size, and busybox's `stty size` fails.)
    const looping = onTerminal(`exec -t ic sh -c 'for i in $(seq 1 100); do stty size; sleep 0.1; done'`);
    await eventually(
      () => looping.tty().startsWith("/dev/pts/") && looping.output().includes("\n"),
      "the loop's output",
    );
    execFileSync("stty", ["-F", looping.tty(), "rows", "21", "cols", "61"]);
    await eventually(() => /^21 61\r*$/m.test(looping.output()), "the container's terminal at 21 × 61");
    expect(await looping.exited).toBe(0);
  });
});

describe("run -t", () => {
  it("sizes the container's terminal before its process runs, every time", () => {
    // Docker sizes the terminal at start: a command that asks for it at once sees the client's.
    for (let i = 0; i < 4; i++) {
      const r = execFileSync(
        "script",
        ["-qec", `stty rows 33 cols 101; ${TSCCTL} run --rm -t busybox stty size`, "/dev/null"],
        { env: engine.env, stdio: ["pipe", "pipe", "pipe"] },
      ).toString();
      expect(r).toMatch(/^33 101\r*\n$/);
    }
  });

  it("refuses --rm with a restart policy, attached or not, as Docker does", () => {
    for (const detach of [[], ["-d"]]) {
      const r = engine.ctl(["run", ...detach, "--rm", "--restart", "always", "busybox", "true"]);
      expect(r.code).toBe(125);
      expect(r.stderr).toContain("Conflicting options: --restart and --rm");
    }
  });
});

describe("pause", () => {
  it("words pausing twice, unpausing a running container and exec in a paused one as Docker", () => {
    made.push("napping");
    const id = ok(["run", "-d", "--name", "napping", "busybox", "sleep", "600"]).trim();
    expect(engine.ctl(["unpause", "napping"]).stderr).toContain(`container ${id.slice(0, 12)} is not paused`);
    ok(["pause", "napping"]);
    expect(engine.ctl(["pause", "napping"]).stderr).toContain(`container ${id} is already paused`);
    const r = engine.ctl(["exec", "napping", "true"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Container ${id} is paused, unpause the container before exec`);
    ok(["unpause", "napping"]);
  });
});

describe("start -a -i", () => {
  it("starts a created -i container attached, with our stdin", () => {
    made.push("started");
    ok(["create", "-i", "--name", "started", "busybox", "sh", "-c", 'read x; echo "got $x"; exit 4']);
    const r = engine.ctl(["start", "-a", "-i", "started"], { input: "7\n" });
    expect(r).toMatchObject({ code: 4, stdout: "got 7\n" });
  });

  it("refuses to attach to a stopped container", () => {
    made.push("stopped");
    ok(["create", "--name", "stopped", "busybox", "true"]);
    const r = engine.ctl(["attach", "stopped"], { input: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("You cannot attach to a stopped container");
  });
});
