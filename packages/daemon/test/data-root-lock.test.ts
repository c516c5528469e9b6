/** One tscd per data root: a live holder refuses the next, a dead one's lock is taken over. Own temp dirs and processes. */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isTscError } from "@tsc/core";
import { LOCK_FILE, lockDataRoot } from "../src/data-root-lock.js";

const root = mkdtempSync(join(tmpdir(), "tsc-lock-test-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

/** A process whose command line looks like tscd's (`tscd` as an argument), or like anything else. */
function sleeper(argv0: string): number {
  const c = spawn("sh", ["-c", "sleep 60", argv0], { stdio: "ignore" });
  children.push(c);
  return c.pid!;
}

describe("lockDataRoot", () => {
  it("locks a data root for this process and releases it", () => {
    const dir = join(root, "plain");
    const release = lockDataRoot(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it("refuses a data root a live tscd holds, naming its PID, and leaves its lock", () => {
    const dir = join(root, "held");
    const release = lockDataRoot(dir);
    const holder = sleeper("tscd");
    writeFileSync(join(dir, LOCK_FILE), `${holder}\n`);
    let error: unknown;
    try {
      lockDataRoot(dir);
    } catch (e) {
      error = e;
    }
    expect(isTscError(error, "FailedPrecondition")).toBe(true);
    expect((error as Error).message).toBe(
      `another tscd (pid ${holder}) is running with data root ${dir}: stop it first (kill ${holder}), or give this one its own --data-root, --exec-root and -H`,
    );
    // The release of a lock that is no longer ours leaves the holder's alone.
    release();
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${holder}\n`);
  });

  it("takes over a lock left by a dead tscd, or by a PID now running something else", async () => {
    const dir = join(root, "stale");
    mkdirSync(dir);
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    for (const stale of [dead.pid!, sleeper("not-the-daemon")]) {
      writeFileSync(join(dir, LOCK_FILE), `${stale}\n`);
      const release = lockDataRoot(dir);
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
      release();
    }
  });
});
