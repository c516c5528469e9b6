import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { lstat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskUsage, spreadSubdirectories } from "./fs.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("diskUsage (ps -s, system df)", () => {
  it("adds up files and symlinks below the root (not directories), hard links once, symlinks not followed", async () => {
    dir = mkdtempSync(join(tmpdir(), "tsc-du-"));
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "a"), Buffer.alloc(1000));
    writeFileSync(join(dir, "sub", "b"), Buffer.alloc(250));
    linkSync(join(dir, "a"), join(dir, "sub", "a-again"));
    symlinkSync("/usr", join(dir, "usr-link"));
    const own = async (p: string): Promise<number> => (await lstat(join(dir, p))).size;
    expect(await diskUsage(dir)).toBe(1000 + 250 + (await own("usr-link")));
  });

  it("is 0 for a directory that is not there", async () => {
    dir = mkdtempSync(join(tmpdir(), "tsc-du-"));
    expect(await diskUsage(join(dir, "missing"))).toBe(0);
  });
});

describe("spreadSubdirectories", () => {
  it("sets ext4's top-directory flag where the filesystem has it, and is a no-op elsewhere", async () => {
    dir = mkdtempSync(join(tmpdir(), "tsc-topdir-"));
    const flags = (): string | undefined => {
      try {
        return execFileSync("lsattr", ["-d", dir], { encoding: "utf8", stdio: "pipe" }).split(" ")[0];
      } catch {
        return undefined; // no attributes here (tmpfs …)
      }
    };
    const before = flags();
    await spreadSubdirectories(dir);
    if (before === undefined) expect(flags()).toBeUndefined();
    else {
      expect(before).not.toContain("T");
      expect(flags()).toContain("T");
    }
    // Not a directory of a filesystem with the flag: nothing thrown.
    await expect(spreadSubdirectories("/proc")).resolves.toBeUndefined();
  });
});
