/** Named volumes with the local driver and real mounts; every mount and directory is removed afterwards. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ANONYMOUS_VOLUME_LABEL, VolumeManager } from "@tsc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unmountAllUnder } from "./support/cleanup.js";

let root = "";
let vols: VolumeManager;
const mountType = (path: string) =>
  spawnSync("findmnt", ["-n", "-o", "FSTYPE", path], { encoding: "utf8" }).stdout.trim();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "tsc-volume-test-"));
  vols = new VolumeManager(join(root, "data"));
});
afterAll(() => {
  unmountAllUnder(root);
  rmSync(root, { recursive: true, force: true });
});

describe("volumes", () => {
  it("creates a named volume idempotently and refuses a different redefinition", async () => {
    const v = await vols.create("data", { labels: { app: "x" } });
    expect(v).toMatchObject({ Name: "data", Driver: "local", Scope: "local", Labels: { app: "x" } });
    expect(existsSync(v.Mountpoint)).toBe(true);
    expect((await vols.create("data")).Mountpoint).toBe(v.Mountpoint);
    await expect(vols.create("data", { options: { type: "tmpfs", device: "tmpfs" } })).rejects.toThrowError(
      /already exists/,
    );
    await expect(vols.create("bad name")).rejects.toThrowError(/invalid volume name/);
  });

  it("mounts the local driver's device while in use (tmpfs) and refuses removal until released", async () => {
    await vols.create("scratch", { options: { type: "tmpfs", device: "tmpfs", o: "size=1m" } });
    const { path } = await vols.mount("scratch", "c1");
    expect(mountType(path)).toBe("tmpfs");
    await expect(vols.remove("scratch")).rejects.toThrowError(/volume is in use/);
    expect((await vols.inspect("scratch")).UsedBy).toEqual(["c1"]);
    // A new manager (a restarted runtime) still knows the holder.
    await expect(new VolumeManager(join(root, "data")).remove("scratch")).rejects.toThrowError(/in use/);
    await vols.unmount("scratch", "c1");
    expect(mountType(path)).toBe("");
    await vols.remove("scratch");
    await expect(vols.inspect("scratch")).rejects.toThrowError(/volume "scratch" not found/);
  });

  it("binds a host directory with o=bind", async () => {
    const host = join(root, "host-dir");
    mkdirSync(host);
    writeFileSync(join(host, "f"), "from host");
    await vols.create("hostbind", { options: { type: "none", o: "bind", device: host } });
    const { path } = await vols.mount("hostbind", "c2");
    expect(readFileSync(join(path, "f"), "utf8")).toBe("from host");
    await vols.unmount("hostbind", "c2");
    expect(existsSync(join(path, "f"))).toBe(false);
  });

  it("copies image content into a new empty volume only", async () => {
    const src = join(root, "image-dir");
    mkdirSync(src);
    writeFileSync(join(src, "seed"), "1");
    await vols.create("seeded");
    expect(await vols.populateFrom("seeded", src)).toBe(true);
    writeFileSync(join(src, "seed"), "2");
    expect(await vols.populateFrom("seeded", src)).toBe(false);
    expect(readFileSync(join((await vols.inspect("seeded")).Mountpoint, "seed"), "utf8")).toBe("1");
  });

  it("prunes unused anonymous volumes, and every unused one with all (Docker's -a)", async () => {
    await vols.create("kept");
    await vols.mount("kept", "c3");
    await vols.create("anon-used", { labels: { [ANONYMOUS_VOLUME_LABEL]: "" } });
    await vols.mount("anon-used", "c4");
    await vols.create("anon-unused", { labels: { [ANONYMOUS_VOLUME_LABEL]: "" } });
    writeFileSync(join((await vols.inspect("anon-unused")).Mountpoint, "f"), Buffer.alloc(1234));
    expect(await vols.prune()).toEqual({ names: ["anon-unused"], spaceReclaimed: 1234 });
    const all = await vols.prune({ all: true });
    expect(all.names.sort()).toEqual(["data", "hostbind", "seeded"]);
    expect((await vols.list()).map((v) => v.Name).sort()).toEqual(["anon-used", "kept"]);
    await vols.unmount("kept", "c3");
    await vols.unmount("anon-used", "c4");
  });
});
