import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { lstat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { diskUsage } from "./fs.js";

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
