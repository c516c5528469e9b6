/** tscd's exec root goes on a tmpfs, once, and never over existing state. Own temp dirs; unmounted after. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mountOf } from "@tsc/runtime";
import { ensureTmpfsExecRoot } from "../src/exec-root.js";

const root = mkdtempSync(join(tmpdir(), "tsc-exec-root-test-"));
afterAll(() => {
  for (const d of [join(root, "run"), join(root, "with space")])
    if (mountOf(d).mountPoint === d) execFileSync("umount", ["-l", d]);
  rmSync(root, { recursive: true, force: true });
});

describe("ensureTmpfsExecRoot", () => {
  it("mounts a tmpfs on a new exec root once, and leaves it on later starts", () => {
    const run = join(root, "run");
    expect(mountOf(run).type).not.toBe("tmpfs");
    expect(ensureTmpfsExecRoot(run)).toBe("mounted");
    expect(mountOf(run)).toEqual({ mountPoint: run, type: "tmpfs" });
    writeFileSync(join(run, "state.json"), "{}");
    // A restarted tscd finds its state where it left it.
    expect(ensureTmpfsExecRoot(run)).toBe("on-tmpfs");
    expect(mountOf(join(run, "state.json")).mountPoint).toBe(run);
    // Inside a tmpfs already (as under /run on most hosts): nothing to do.
    expect(ensureTmpfsExecRoot(join(run, "nested"))).toBe("on-tmpfs");
  });

  it("never mounts over a directory that already holds state", () => {
    const old = join(root, "old");
    mkdirSync(old);
    writeFileSync(join(old, "tscd.pid"), "1\n");
    expect(ensureTmpfsExecRoot(old)).toBe("kept");
    expect(mountOf(old).type).not.toBe("tmpfs");
  });

  it("reads mount points with spaces", () => {
    const spaced = join(root, "with space");
    expect(ensureTmpfsExecRoot(spaced)).toBe("mounted");
    expect(mountOf(spaced)).toEqual({ mountPoint: spaced, type: "tmpfs" });
  });
});
