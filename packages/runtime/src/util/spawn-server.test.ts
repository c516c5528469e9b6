import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./exec.js";
import { SpawnServer } from "./spawn-server.js";
import type { ServerChild } from "./spawn-server.js";

const server = new SpawnServer();
afterAll(() => server.close());

/** Runs a child to its end, collecting what it wrote. */
async function collect(
  child: ServerChild,
): Promise<{ code: number; signal: string | null; out: string; err: string }> {
  let out = "";
  let err = "";
  child.onOutput = (stream, b) => {
    if (stream === "stderr") err += b.toString();
    else out += b.toString();
  };
  const end = await child.closed;
  return { ...end, out, err };
}

describe("SpawnServer", () => {
  it("runs a program with its arguments, environment and directory, and reports its exit code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsc-spawn-"));
    try {
      const r = await collect(
        server.spawn("/bin/sh", ["-c", 'echo "$1 $GREETING $(pwd)"; echo oops >&2; exit 3', "sh", "a b"], {
          env: { GREETING: "hello", PATH: "/usr/bin:/bin" },
          cwd: dir,
        }),
      );
      expect(r).toEqual({ code: 3, signal: null, out: `a b hello ${dir}\n`, err: "oops\n" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the child this process's environment, or it with variables added", async () => {
    const show = 'echo "${HOME:-unset} ${EXTRA:-unset}"';
    expect((await collect(server.spawn("/bin/sh", ["-c", show]))).out).toBe(`${process.env.HOME} unset\n`);
    const added = await collect(server.spawn("/bin/sh", ["-c", show], { addEnv: { EXTRA: "x y" } }));
    expect(added.out).toBe(`${process.env.HOME} x y\n`);
    const replaced = await collect(server.spawn("/bin/sh", ["-c", show], { env: { EXTRA: "only" } }));
    expect(replaced.out).toBe("unset only\n");
  });

  it("feeds stdin and carries a megabyte each way without deadlock, bytes intact", async () => {
    const input = Buffer.alloc(1 << 20);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7) & 0xff;
    let got = Buffer.alloc(0);
    const child = server.spawn("/bin/cat", [], { input });
    child.onOutput = (_s, b) => (got = Buffer.concat([got, b]));
    expect(await child.closed).toEqual({ code: 0, signal: null });
    expect(got.equals(input)).toBe(true);
  });

  it("reports a missing program as ENOENT, as child_process does", async () => {
    await expect(server.spawn("/no/such/program", []).closed).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("kills on request and reports the signal", async () => {
    const child = server.spawn("/bin/sleep", ["30"]);
    setTimeout(() => child.kill("SIGKILL"), 50);
    expect(await child.closed).toEqual({ code: -1, signal: "SIGKILL" });
  });

  it("gives fd 3 as a pipe, and a released child keeps running without replies", async () => {
    const child = server.spawn("/bin/sh", ["-c", "echo ready >&3; exec sleep 30"], {
      fd3: true,
      detached: true,
    });
    const line = await new Promise<string>((resolve) => {
      child.onOutput = (stream, b) => stream === "fd3" && resolve(b.toString());
    });
    expect(line).toBe("ready\n");
    child.release();
    const pid = Number((await run("pgrep", ["-f", "^sleep 30$"])).stdout.trim().split("\n")[0]);
    expect(pid).toBeGreaterThan(0);
    // A session of its own: it leads its process group.
    expect((await run("ps", ["-o", "sid=", "-p", String(pid)])).stdout.trim()).toBe(String(pid));
    process.kill(pid, "SIGKILL");
  });

  it("runs many children at once and keeps their output apart", async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        collect(server.spawn("/bin/sh", ["-c", `echo ${i}; exit ${i % 5}`])),
      ),
    );
    results.forEach((r, i) => expect(r).toMatchObject({ code: i % 5, out: `${i}\n` }));
  });

  it("fails what was running when the server dies, and starts a new server for the next child", async () => {
    const own = new SpawnServer();
    try {
      const child = own.spawn("/bin/sleep", ["30"]);
      process.kill(own.pid!, "SIGKILL");
      await expect(child.closed).rejects.toMatchObject({ kind: "Unavailable" });
      child.kill("SIGKILL");
      expect(await collect(own.spawn("/bin/echo", ["again"]))).toMatchObject({ code: 0, out: "again\n" });
      await run("pkill", ["-f", "^/bin/sleep 30$"], { allowFailure: true });
    } finally {
      own.close();
    }
  });
});

describe("run", () => {
  it("names the package of a missing program", async () => {
    await expect(run("/no/such/tool", [], { packageHint: "nosuch" })).rejects.toMatchObject({
      kind: "Unavailable",
      hint: "install it with: apt-get install nosuch",
    });
  });

  it("turns a failure into an error carrying stderr, unless told to allow it", async () => {
    await expect(run("/bin/sh", ["-c", "echo bad thing >&2; exit 2"])).rejects.toThrow(/bad thing/);
    expect(await run("/bin/sh", ["-c", "exit 2"], { allowFailure: true })).toMatchObject({ code: 2 });
  });

  it("kills a child that outlives its timeout", async () => {
    const r = await run("/bin/sleep", ["30"], { timeoutMs: 50, allowFailure: true });
    expect(r.signal).toBe("SIGKILL");
  });
});
