/** The spawn server's built-in system calls: mounts and network namespaces, as root. Own temp dirs, undone after. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mountTable } from "./mounts.js";
import { SpawnServer, spawnServer } from "./spawn-server.js";
import { mountFs, newNetns, unmountFs } from "./syscalls.js";

const root = mkdtempSync(join(tmpdir(), "tsc-syscalls-"));
const mountedHere = (): string[] =>
  mountTable().flatMap((m) => (m.mountPoint.startsWith(root) ? [m.mountPoint] : []));
afterAll(() => {
  for (const m of mountedHere().reverse()) execFileSync("umount", ["-l", m]);
  rmSync(root, { recursive: true, force: true });
});

describe("built-in system calls", () => {
  it("mounts with options and unmounts, visible to this process", async () => {
    const target = join(root, "mnt");
    execFileSync("mkdir", [target]);
    await mountFs("tsc-test", target, "tmpfs", "size=1m,mode=0701");
    expect(mountTable().find((m) => m.mountPoint === target)?.type).toBe("tmpfs");
    const opts = execFileSync("findmnt", ["-n", "-o", "OPTIONS", target], { encoding: "utf8" });
    expect(opts).toMatch(/size=1024k/);
    await unmountFs(target);
    expect(mountedHere()).toEqual([]);
  });

  it("fails with the call's errno, naming the operation and target", async () => {
    const missing = join(root, "no-such-dir");
    await expect(mountFs("tsc-test", missing, "tmpfs", "")).rejects.toThrow(
      `mounting tsc-test on ${missing}: no such file or directory (ENOENT)`,
    );
    await expect(unmountFs(root)).rejects.toThrow(`unmounting ${root}: invalid argument (EINVAL)`);
    await expect(mountFs("tsc-test", join(root), "no-such-fs", "")).rejects.toThrow("ENODEV");
  });

  it("makes a network namespace with its loopback up, bound at a file, and tears it down", async () => {
    const ns = join(root, "ns");
    writeFileSync(ns, "");
    await newNetns(ns);
    const lo = execFileSync("nsenter", [`--net=${ns}`, "ip", "-o", "link", "show", "lo"], {
      encoding: "utf8",
    });
    expect(lo).toMatch(/<LOOPBACK,UP,LOWER_UP>/);
    // Its own namespace: none of the host's interfaces.
    const links = execFileSync("nsenter", [`--net=${ns}`, "ip", "-o", "link"], { encoding: "utf8" });
    expect(links.trim().split("\n")).toHaveLength(1);
    await unmountFs(ns, { detach: true });
    expect(mountedHere()).toEqual([]);
  });

  it("answers ENOSYS for an operation it does not have", async () => {
    const server = new SpawnServer();
    try {
      await expect(server.builtin("nothing" as "mount", [])).rejects.toMatchObject({ code: "ENOSYS" });
      // The server still serves.
      await expect(spawnServer().builtin("umount", [join(root, "nothing-here"), "0"])).rejects.toMatchObject({
        code: "ENOENT",
      });
    } finally {
      server.close();
    }
  });
});
