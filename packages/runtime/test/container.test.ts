/**
 * Containers with the real components: conmon + runc on an overlay of a busybox image. Every test
 * uses its own data and run roots; afterAll removes every container (killing conmon and runc state),
 * unmounts and deletes the roots, on failure too.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { ContainerManager, ImageStore, loadArchive, mountTable, VolumeManager } from "@tsc/runtime";
import type { ContainerSpec, LogEntry } from "@tsc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBusyboxImageArchive } from "./support/busybox.js";
import { unmountAllUnder } from "./support/cleanup.js";

let root = "";
let images: ImageStore;
let manager: ContainerManager;
let volumes: VolumeManager;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "tsc-container-test-"));
  images = new ImageStore(join(root, "data"));
  const archive = join(root, "busybox.tar");
  makeBusyboxImageArchive(archive);
  await loadArchive(images, archive);
  volumes = new VolumeManager(join(root, "data"));
  manager = await ContainerManager.open({
    dataRoot: join(root, "data"),
    runRoot: join(root, "run"),
    images,
    volumes,
    initBinary: "/usr/bin/tini-static",
  });
});

afterAll(async () => {
  if (manager) {
    for (const c of manager.list({ all: true }))
      await manager.remove(c.id, { force: true }).catch(() => undefined);
    manager.close();
  }
  unmountAllUnder(root);
  rmSync(root, { recursive: true, force: true });
});

const run = async (spec: Partial<ContainerSpec> & { cmd: string[] }) => {
  const c = await manager.create({ image: "busybox", ...spec });
  await manager.start(c.id);
  return c;
};
const collect = async (it: AsyncIterable<LogEntry>) => {
  const out: LogEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
};

describe("containers under conmon + runc", () => {
  it("mounts the overlay rootfs while the container runs, and only then", async () => {
    const rootfsMounted = (id: string) =>
      mountTable().some((m) => m.mountPoint === join(root, "data", "containers", id, "rootfs"));
    const c = await run({ cmd: ["sleep", "30"] });
    expect(rootfsMounted(c.id)).toBe(true);
    await manager.kill(c.id, "SIGKILL");
    await manager.wait(c.id);
    expect(rootfsMounted(c.id)).toBe(false);
    await manager.start(c.id);
    expect(rootfsMounted(c.id)).toBe(true);
    await manager.remove(c.id, { force: true });
    expect(rootfsMounted(c.id)).toBe(false);
  });

  it("runs a command, records its exit code and keeps both output streams", async () => {
    const c = await run({ cmd: ["sh", "-c", "echo out; echo err >&2; exit 3"] });
    expect(await manager.wait(c.id)).toBe(3);
    expect(manager.get(c.id)).toMatchObject({ status: "exited", exitCode: 3 });
    const logs = await collect(manager.logs(c.id));
    expect(logs.map((l) => [l.stream, l.line])).toEqual([
      ["stdout", "out"],
      ["stderr", "err"],
    ]);
    expect((await collect(manager.logs(c.id, { streams: ["stderr"] }))).map((l) => l.line)).toEqual(["err"]);
    await manager.remove(c.id);
    expect(existsSync(join(root, "data", "containers", c.id))).toBe(false);
  });

  it("applies env, user, working dir and hostname, and resolves users by name", async () => {
    const c = await run({
      name: "identity",
      cmd: ["sh", "-c", 'echo "$GREETING $(id -u):$(id -g):$(id -G) $(pwd) $(hostname)"'],
      env: ["GREETING=hello"],
      user: "app",
      workingDir: "/tmp",
      hostname: "box",
    });
    expect(await manager.wait(c.id)).toBe(0);
    const [line] = await collect(manager.logs("identity"));
    expect(line?.line).toBe("hello 1000:1000:1000 2000 /tmp box");
    await manager.remove("identity");
  });

  it("stops with the stop signal, then SIGKILL after the grace period (exit 137)", async () => {
    const c = await run({ cmd: ["sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"] });
    const t0 = Date.now();
    await manager.stop(c.id, { timeout: 1 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(manager.get(c.id)).toMatchObject({ status: "exited", exitCode: 137 });
    await manager.remove(c.id);
  });

  it("kills with any signal, and refuses to remove a running container without force", async () => {
    // PID 1 only receives signals it handles, as under Docker.
    const c = await run({ cmd: ["sh", "-c", "trap 'exit 42' USR1; while true; do sleep 0.1; done"] });
    await expect(manager.remove(c.id)).rejects.toThrowError(/container is running/);
    await new Promise((r) => setTimeout(r, 300));
    await manager.kill(c.id, "SIGUSR1");
    expect(await manager.wait(c.id)).toBe(42);
    await manager.remove(c.id);
  });

  it("execs in a running container with stdin and the command's exit code", async () => {
    const c = await run({ cmd: ["sleep", "60"] });
    const r = await manager.exec(c.id, {
      args: ["sh", "-c", "cat; echo $X; exit 7"],
      env: ["X=y"],
      stdin: "from-stdin\n",
    });
    expect(r).toEqual({ exitCode: 7, stdout: "from-stdin\ny\n", stderr: "" });
    const top = await manager.top(c.id);
    expect(top.Titles).toEqual(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
    expect(top.Processes.some((p) => p.at(-1) === "sleep 60")).toBe(true);
    await manager.remove(c.id, { force: true });
  });

  it("pauses and unpauses through the freezer", async () => {
    const c = await run({ cmd: ["sleep", "60"] });
    await manager.pause(c.id);
    expect(manager.get(c.id).status).toBe("paused");
    expect((await manager.runc.state(c.id))?.status).toBe("paused");
    // runc list sees the same (recover reads every container's state from one list).
    expect((await manager.runc.list()).get(c.id)).toMatchObject({ id: c.id, status: "paused" });
    await manager.unpause(c.id);
    expect((await manager.runc.state(c.id))?.status).toBe("running");
    await manager.remove(c.id, { force: true });
  });

  it("enforces a read-only rootfs, memory and pids limits", async () => {
    const c = await run({
      cmd: [
        "sh",
        "-c",
        "touch /x 2>/dev/null && echo writable || echo read-only; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max",
      ],
      readOnly: true,
      memory: 32 * 1024 * 1024,
      pidsLimit: 50,
    });
    await manager.wait(c.id);
    const lines = (await collect(manager.logs(c.id))).map((l) => l.line);
    expect(lines[0]).toBe("read-only");
    expect(lines[1]).toBe(String(32 * 1024 * 1024));
    await manager.remove(c.id);
  });

  it("restarts on failure with the same ID until the retry limit, keeping the last exit code", async () => {
    const c = await run({
      cmd: ["sh", "-c", "exit 3"],
      restartPolicy: { name: "on-failure", maximumRetryCount: 2 },
    });
    await expect.poll(() => manager.get(c.id).restartCount, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => manager.get(c.id).status, { timeout: 10_000 }).toBe("exited");
    expect(manager.get(c.id)).toMatchObject({ id: c.id, exitCode: 3, restartCount: 2 });
    await manager.remove(c.id);
  });

  it("keeps restarting an always container until it is stopped by hand", async () => {
    const c = await run({ cmd: ["echo", "done"], restartPolicy: { name: "always" } });
    await expect.poll(() => manager.get(c.id).restartCount, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await manager.stop(c.id, { timeout: 1 });
    const count = manager.get(c.id).restartCount;
    await new Promise((r) => setTimeout(r, 1500));
    expect(manager.get(c.id)).toMatchObject({ status: "exited", restartCount: count });
    expect(
      (await collect(manager.logs(c.id))).filter((l) => l.line === "done").length,
    ).toBeGreaterThanOrEqual(2);
    await manager.remove(c.id);
  });

  it("runs tini as PID 1 with init", async () => {
    const c = await run({ cmd: ["sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '"], init: true });
    await manager.wait(c.id);
    expect((await collect(manager.logs(c.id)))[0]?.line).toMatch(/^\/sbin\/docker-init -- sh -c/);
    await manager.remove(c.id);
  });

  it("rejects a duplicate name and an unknown image, leaving nothing behind", async () => {
    const c = await manager.create({ image: "busybox", name: "only-once", cmd: ["true"] });
    await expect(manager.create({ image: "busybox", name: "only-once", cmd: ["true"] })).rejects.toThrowError(
      /container name "\/only-once" already exists/,
    );
    await expect(manager.create({ image: "nope:1", cmd: ["true"] })).rejects.toThrowError(
      /image "nope:1" not found/,
    );
    expect(manager.list({ all: true }).map((r) => r.name)).toEqual(["only-once"]);
    await manager.remove(c.id);
  });

  it("reports its filesystem changes, and commits them as a new image that runs", async () => {
    const c = await run({
      cmd: ["sh", "-c", "echo new > /added.txt; echo changed >> /etc/passwd; rm /bin/vi; sleep 60"],
    });
    await expect
      .poll(async () => (await manager.diff(c.id)).some((ch) => ch.Path === "/bin/vi"), { timeout: 5000 })
      .toBe(true);
    const changes = await manager.diff(c.id);
    expect(changes).toContainEqual({ Kind: 1, Path: "/added.txt" });
    expect(changes).toContainEqual({ Kind: 0, Path: "/etc/passwd" });
    expect(changes).toContainEqual({ Kind: 2, Path: "/bin/vi" });
    const stats = await manager.stats(c.id);
    expect(stats.memoryUsage).toBeGreaterThan(0);
    // Without a memory limit, the host's memory is the limit (as docker stats shows it).
    expect(stats.memoryLimit).toBe(totalmem());
    expect(stats.pids).toBeGreaterThanOrEqual(1);
    const staging = mkdtempSync(join(root, "commit-"));
    const layer = join(root, "commit.tar");
    await manager.exportChanges(c.id, staging, layer);
    const id = await images.commit(manager.get(c.id).imageId, layer, {
      ref: "committed:1",
      changes: ['CMD ["cat", "/added.txt"]'],
      comment: "test",
    });
    expect((await images.inspect("committed:1")).RootFS.Layers).toHaveLength(2);
    await manager.remove(c.id, { force: true });
    const child = await run({
      image: "committed:1",
      cmd: ["sh", "-c", "cat /added.txt; test -e /bin/vi && echo vi || echo no-vi"],
    });
    await manager.wait(child.id);
    expect((await collect(manager.logs(child.id))).map((l) => l.line)).toEqual(["new", "no-vi"]);
    await manager.remove(child.id);
    expect(id).toMatch(/^sha256:/);
  });

  it("follows logs until the container exits, and filters by tail and time", async () => {
    const c = await run({ cmd: ["sh", "-c", "for i in 1 2 3 4; do echo line $i; sleep 0.2; done"] });
    const followed = (await collect(manager.logs(c.id, { follow: true }))).map((l) => l.line);
    expect(followed).toEqual(["line 1", "line 2", "line 3", "line 4"]);
    expect((await collect(manager.logs(c.id, { tail: 2 }))).map((l) => l.line)).toEqual(["line 3", "line 4"]);
    expect(await collect(manager.logs(c.id, { since: new Date(Date.now() + 60_000) }))).toEqual([]);
    const all = await collect(manager.logs(c.id));
    expect(Date.parse(all[0]!.time)).toBeLessThanOrEqual(Date.parse(all[3]!.time));
    await manager.remove(c.id);
  });

  it("shares another container's network namespace with network container:<id>", async () => {
    const owner = await run({ cmd: ["nc", "-l", "-p", "7000"] });
    const joiner = await run({
      cmd: ["sh", "-c", "sleep 0.3; echo through-loopback | nc 127.0.0.1 7000"],
      network: { type: "container", container: owner.id },
    });
    expect(await manager.wait(joiner.id)).toBe(0);
    expect(await manager.wait(owner.id)).toBe(0);
    expect((await collect(manager.logs(owner.id))).map((l) => l.line)).toEqual(["through-loopback"]);
    const alone = await run({ cmd: ["sh", "-c", "echo x | nc 127.0.0.1 7000"] });
    expect(await manager.wait(alone.id)).not.toBe(0);
    await expect(
      manager.create({
        image: "busybox",
        cmd: ["true"],
        network: { type: "container", container: "missing" },
      }),
    ).rejects.toThrowError("No such container: missing");
    for (const c of [joiner, alone, owner]) await manager.remove(c.id, { force: true });
  });

  it("applies cap_drop and cap_add to the process's capability sets", async () => {
    const capEff = async (spec: Partial<ContainerSpec>) => {
      const c = await run({ cmd: ["sh", "-c", "grep CapEff /proc/self/status"], ...spec });
      await manager.wait(c.id);
      const line = (await collect(manager.logs(c.id)))[0]?.line ?? "";
      await manager.remove(c.id);
      return BigInt(`0x${line.split(/\s+/)[1]}`);
    };
    const NET_ADMIN = 1n << 12n;
    const CHOWN = 1n << 0n;
    expect(await capEff({ capDrop: ["ALL"] })).toBe(0n);
    const defaults = await capEff({});
    expect(defaults & CHOWN).toBe(CHOWN);
    expect(defaults & NET_ADMIN).toBe(0n);
    expect((await capEff({ capAdd: ["NET_ADMIN"], capDrop: ["CHOWN"] })) & (NET_ADMIN | CHOWN)).toBe(
      NET_ADMIN,
    );
  });

  it("uses the host's network stack with network host, and only loopback with none", async () => {
    const links = async (network: ContainerSpec["network"]) => {
      const c = await run({ cmd: ["sh", "-c", "ls /sys/class/net | sort | tr '\\n' ' '"], network });
      await manager.wait(c.id);
      const out = (await collect(manager.logs(c.id))).map((l) => l.line).join("");
      await manager.remove(c.id);
      return out.trim().split(" ");
    };
    const host = readdirSync("/sys/class/net").sort();
    expect(await links({ type: "host" })).toEqual(host);
    expect(await links({ type: "none" })).toEqual(["lo"]);
  });

  it("gives exec a pseudo-terminal with tty", async () => {
    const c = await run({ cmd: ["sleep", "60"] });
    const check = ["sh", "-c", "test -t 0 && test -t 1 && echo is-a-tty || echo not-a-tty"];
    expect((await manager.exec(c.id, { args: check, tty: true })).stdout.trim()).toBe("is-a-tty");
    expect((await manager.exec(c.id, { args: check })).stdout.trim()).toBe("not-a-tty");
    expect((await manager.exec(c.id, { args: ["sh", "-c", "exit 6"], tty: true })).exitCode).toBe(6);
    await manager.remove(c.id, { force: true });
  });

  it("keeps a container's log bounded by the size limit, and readers cope with the truncation", async () => {
    const small = await ContainerManager.open({
      dataRoot: join(root, "data"),
      runRoot: join(root, "run"),
      images,
      logSizeMax: 64 * 1024,
    });
    try {
      const c = await small.create({
        image: "busybox",
        cmd: [
          "sh",
          "-c",
          "i=0; while [ $i -lt 4000 ]; do echo line-$i-padding-padding-padding; i=$((i+1)); done; echo last-line",
        ],
      });
      await small.start(c.id);
      await small.wait(c.id);
      const log = join(root, "data", "containers", c.id, "container.log");
      expect(statSync(log).size).toBeLessThanOrEqual(64 * 1024 + 4096);
      const entries = await collect(small.logs(c.id));
      expect(entries.length).toBeGreaterThan(0);
      expect(entries[entries.length - 1]!.line).toBe("last-line");
      await small.remove(c.id);
    } finally {
      small.close();
    }
  });

  it("shares a named volume between containers, and volumes-from (read-only)", async () => {
    const writer = await run({
      cmd: ["sh", "-c", "echo shared > /data/file"],
      volumes: [{ name: "shared-vol", target: "/data" }],
    });
    expect(await manager.wait(writer.id)).toBe(0);
    const reader = await run({
      cmd: ["cat", "/data/file"],
      volumes: [{ name: "shared-vol", target: "/data" }],
    });
    await manager.wait(reader.id);
    expect((await collect(manager.logs(reader.id))).map((l) => l.line)).toEqual(["shared"]);
    const ro = await run({
      cmd: ["sh", "-c", "cat /data/file; echo more >> /data/file || echo read-only"],
      volumesFrom: [`${writer.id}:ro`],
    });
    await manager.wait(ro.id);
    expect((await collect(manager.logs(ro.id, { streams: ["stdout"] }))).map((l) => l.line)).toEqual([
      "shared",
      "read-only",
    ]);
    await expect(volumes.remove("shared-vol")).rejects.toThrowError(/in use/);
    for (const c of [writer, reader, ro]) await manager.remove(c.id);
    expect((await volumes.inspect("shared-vol")).UsedBy).toEqual([]);
    await volumes.remove("shared-vol");
  });

  it("gives an image VOLUME an anonymous volume seeded from the image, removed with rm -v", async () => {
    const seed = await run({ cmd: ["sh", "-c", "mkdir -p /seeded && echo from-image > /seeded/f"] });
    await manager.wait(seed.id);
    const staging = mkdtempSync(join(root, "vol-commit-"));
    await manager.exportChanges(seed.id, staging, join(root, "vol-layer.tar"));
    await images.commit(manager.get(seed.id).imageId, join(root, "vol-layer.tar"), {
      ref: "with-volume:1",
      changes: ["VOLUME /seeded"],
    });
    await manager.remove(seed.id);
    const c = await run({
      image: "with-volume:1",
      cmd: ["sh", "-c", "cat /seeded/f; echo changed > /seeded/f"],
    });
    await manager.wait(c.id);
    expect((await collect(manager.logs(c.id))).map((l) => l.line)).toEqual(["from-image"]);
    const [anon] = manager.get(c.id).volumes ?? [];
    expect(anon).toMatchObject({ target: "/seeded", anonymous: true });
    expect((await volumes.inspect(anon!.name)).UsedBy).toEqual([c.id]);
    await manager.remove(c.id, { volumes: true });
    await expect(volumes.inspect(anon!.name)).rejects.toThrowError(/not found/);
  });

  it("re-adopts a running container after its owner is killed with SIGKILL, and learns how another exited", async () => {
    const longer = await run({ name: "survivor", cmd: ["sleep", "60"] });
    const shorter = await run({ name: "quitter", cmd: ["sh", "-c", "sleep 0.5; exit 5"] });
    manager.close();
    // Simulate the owner dying: a fresh manager and image store over the same roots (conmon kept
    // both containers alive).
    await new Promise((r) => setTimeout(r, 1200));
    images = new ImageStore(join(root, "data"));
    manager = await ContainerManager.open({
      dataRoot: join(root, "data"),
      runRoot: join(root, "run"),
      images,
    });
    expect(manager.get("survivor")).toMatchObject({ id: longer.id, status: "running" });
    expect(manager.get("quitter")).toMatchObject({ id: shorter.id, status: "exited", exitCode: 5 });
    // The new image store learnt from the containers which images are in use.
    await expect(images.remove("busybox")).rejects.toThrowError(/in use by container/);
    expect((await images.inspect("busybox")).Holders.sort()).toEqual(
      manager
        .list({ all: true })
        .map((c) => c.id)
        .sort(),
    );
    await manager.kill("survivor", "SIGKILL");
    expect(await manager.wait("survivor")).toBe(137);
    await manager.remove("survivor");
    await manager.remove("quitter");
  });

  it("starts again a container its owner left restarting, with a new restart count", async () => {
    const c = await run({ name: "bouncer", cmd: ["sh", "-c", "exit 1"], restartPolicy: { name: "always" } });
    await expect.poll(() => manager.get(c.id).restartCount, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await manager.stop(c.id, { timeout: 1 });
    manager.close();
    // What an owner killed during a back-off leaves: the record says restarting, the process is gone.
    const record = join(root, "data", "containers", c.id, "container.json");
    const saved = JSON.parse(readFileSync(record, "utf8")) as Record<string, unknown>;
    writeFileSync(
      record,
      JSON.stringify({ ...saved, status: "restarting", restartCount: 3, manuallyStopped: false }),
    );
    images = new ImageStore(join(root, "data"));
    manager = await ContainerManager.open({
      dataRoot: join(root, "data"),
      runRoot: join(root, "run"),
      images,
    });
    expect(manager.get("bouncer")).toMatchObject({ id: c.id, restartCount: 0 });
    expect(manager.get("bouncer").status).not.toBe("restarting");
    // …and its policy goes on from there.
    await expect.poll(() => manager.get(c.id).restartCount, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await manager.stop(c.id, { timeout: 1 });
    await manager.remove(c.id);
  });
});

describe("owner process killed with kill -9", () => {
  it("leaves the container running under conmon", async () => {
    // A child node process creates and starts a container, then is SIGKILLed.
    const script = `
      import { ContainerManager, ImageStore } from ${JSON.stringify(join(import.meta.dirname, "../src/index.ts"))};
      const images = new ImageStore(${JSON.stringify(join(root, "data"))});
      const m = await ContainerManager.open({ dataRoot: ${JSON.stringify(join(root, "data"))}, runRoot: ${JSON.stringify(join(root, "run"))}, images });
      const c = await m.create({ image: "busybox", name: "orphan", cmd: ["sleep", "60"] });
      await m.start(c.id);
      process.stdout.write("started\\n");
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: join(import.meta.dirname, "../../.."),
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (b: Buffer) => b.toString().includes("started") && resolve());
      child.on("exit", (code) => reject(new Error(`child exited early: ${code}`)));
    });
    child.kill("SIGKILL");
    manager.close();
    manager = await ContainerManager.open({
      dataRoot: join(root, "data"),
      runRoot: join(root, "run"),
      images,
    });
    expect(manager.get("orphan").status).toBe("running");
    expect((await manager.exec("orphan", { args: ["echo", "alive"] })).stdout).toBe("alive\n");
    await manager.remove("orphan", { force: true });
  });
});
