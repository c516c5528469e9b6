/**
 * The container runtime conformance suite: one set of behaviours every `ContainerRuntime` must
 * show, run against the real runtime (conmon + runc) and the in-memory fake. Commands stay within
 * what both understand: echo (>&2), sleep, exit, true, cat, trap 'exit N' SIGNAL.
 */
import type { ContainerRuntime, ContainerSpec, LogEntry } from "@tsc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Builds a runtime with a `busybox` image available, and tears it down. */
export interface RuntimeFixture {
  runtime: ContainerRuntime;
  teardown(): Promise<void>;
}

/** Runs the suite against the runtime `setup` returns. */
export function describeContainerRuntime(name: string, setup: () => Promise<RuntimeFixture>): void {
  describe(`ContainerRuntime conformance: ${name}`, () => {
    let fx: RuntimeFixture;
    let rt: ContainerRuntime;
    beforeAll(async () => {
      fx = await setup();
      rt = fx.runtime;
    });
    afterAll(async () => {
      for (const c of rt?.list({ all: true }) ?? [])
        await rt.remove(c.id, { force: true }).catch(() => undefined);
      rt?.close();
      await fx?.teardown();
    });

    const run = async (spec: Partial<ContainerSpec> & { cmd: string[] }) => {
      const c = await rt.create({ image: "busybox", ...spec });
      await rt.start(c.id);
      return c;
    };
    const lines = async (ref: string, opts = {}) => {
      const out: LogEntry[] = [];
      for await (const e of rt.logs(ref, opts)) out.push(e);
      return out.map((e) => `${e.stream}:${e.line}`);
    };

    it("creates without starting, then runs to an exit code with both streams logged", async () => {
      const c = await rt.create({
        image: "busybox",
        name: "conf-exit",
        cmd: ["sh", "-c", "echo out; echo err >&2; exit 3"],
      });
      expect(rt.get("conf-exit")).toMatchObject({ id: c.id, status: "created" });
      await rt.start("conf-exit");
      expect(await rt.wait(c.id)).toBe(3);
      expect(rt.get(c.id)).toMatchObject({ status: "exited", exitCode: 3 });
      expect(await lines(c.id)).toEqual(["stdout:out", "stderr:err"]);
      expect(await lines(c.id, { tail: 1 })).toEqual(["stderr:err"]);
      await rt.remove(c.id);
      expect(() => rt.get(c.id)).toThrowError(`No such container: ${c.id}`);
    });

    it("runs a start's beforeStart hook before the process, and a failing hook fails the start", async () => {
      const c = await rt.create({ image: "busybox", name: "conf-hook", cmd: ["echo", "ran"] });
      let seenBefore: string[] | undefined;
      await rt.start(c.id, {
        beforeStart: async () => {
          await new Promise((r) => setTimeout(r, 200));
          seenBefore = await lines(c.id);
        },
      });
      expect(await rt.wait(c.id)).toBe(0);
      expect(seenBefore).toEqual([]);
      expect(await lines(c.id)).toEqual(["stdout:ran"]);

      const d = await rt.create({ image: "busybox", name: "conf-hook-fail", cmd: ["sleep", "30"] });
      await expect(
        rt.start(d.id, { beforeStart: () => Promise.reject(new Error("network attach failed")) }),
      ).rejects.toThrow(/network attach failed/);
      expect(rt.get(d.id).status).not.toBe("running");
      await rt.start(d.id);
      expect(rt.get(d.id).status).toBe("running");
      await rt.remove(d.id, { force: true });
      await rt.remove(c.id);
    });

    it("finds containers by name and unique ID prefix, and lists running ones by default", async () => {
      const c = await run({ name: "conf-find", cmd: ["sleep", "30"] });
      expect(rt.get(c.id.slice(0, 12)).name).toBe("conf-find");
      expect(rt.list().map((r) => r.id)).toContain(c.id);
      await rt.stop(c.id, { timeout: 1 });
      expect(rt.list().map((r) => r.id)).not.toContain(c.id);
      expect(rt.list({ all: true }).map((r) => r.id)).toContain(c.id);
      await rt.remove(c.id);
    });

    it("stops an unhandled-signal process with SIGKILL after the grace period", async () => {
      const c = await run({ cmd: ["sleep", "30"] });
      expect((await rt.stop(c.id, { timeout: 1 })).exitCode).toBe(137);
      await rt.remove(c.id);
    });

    it("delivers trapped signals", async () => {
      const c = await run({ cmd: ["sh", "-c", "trap 'exit 42' USR1; sleep 30"] });
      await new Promise((r) => setTimeout(r, 300));
      await expect(rt.kill(c.id, "BOGUS")).rejects.toMatchObject({
        kind: "InvalidArgument",
        message: expect.stringMatching(/^invalid signal: BOGUS: /),
      });
      // Docker's spellings: without SIG, any case.
      await rt.kill(c.id, "usr1");
      expect(await rt.wait(c.id)).toBe(42);
      await rt.remove(c.id);
    });

    it("refuses to remove a running container unless forced", async () => {
      const c = await run({ cmd: ["sleep", "30"] });
      await expect(rt.remove(c.id)).rejects.toMatchObject({ kind: "FailedPrecondition" });
      await rt.remove(c.id, { force: true });
      expect(rt.list({ all: true }).some((r) => r.id === c.id)).toBe(false);
    });

    it("rejects a duplicate name and an unknown image with typed errors", async () => {
      const c = await rt.create({ image: "busybox", name: "conf-dup", cmd: ["true"] });
      await expect(rt.create({ image: "busybox", name: "conf-dup", cmd: ["true"] })).rejects.toMatchObject({
        kind: "AlreadyExists",
      });
      await expect(rt.create({ image: "no-such-image", cmd: ["true"] })).rejects.toMatchObject({
        kind: "NotFound",
      });
      await rt.remove(c.id);
    });

    it("execs in a running container with stdin and an exit code", async () => {
      const c = await run({ cmd: ["sleep", "30"] });
      expect(await rt.exec(c.id, { args: ["cat"], stdin: "piped\n" })).toMatchObject({
        exitCode: 0,
        stdout: "piped\n",
      });
      expect((await rt.exec(c.id, { args: ["sh", "-c", "echo hi; exit 4"] })).exitCode).toBe(4);
      await rt.remove(c.id, { force: true });
    });

    it("restarts on failure, keeping the ID, until the retry limit", async () => {
      const c = await run({
        cmd: ["sh", "-c", "echo try; exit 2"],
        restartPolicy: { name: "on-failure", maximumRetryCount: 2 },
      });
      await expect.poll(() => rt.get(c.id).restartCount, { timeout: 10_000 }).toBe(2);
      await expect.poll(() => rt.get(c.id).status, { timeout: 10_000 }).toBe("exited");
      expect(rt.get(c.id)).toMatchObject({ exitCode: 2, restartCount: 2 });
      expect((await lines(c.id)).filter((l) => l === "stdout:try")).toHaveLength(3);
      await rt.remove(c.id);
    });

    it("follows logs until the process exits", async () => {
      const c = await run({ cmd: ["sh", "-c", "echo a; sleep 0.3; echo b"] });
      expect(await lines(c.id, { follow: true })).toEqual(["stdout:a", "stdout:b"]);
      await rt.remove(c.id);
    });
  });
}
