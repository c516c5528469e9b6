import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listening } from "./context.js";

const dir = mkdtempSync(join(tmpdir(), "tsc-listening-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("listening (is a daemon on the default socket?)", () => {
  it("is true while a server accepts on the socket, false once it is gone or for a plain file", async () => {
    const path = join(dir, "d.sock");
    expect(await listening(path)).toBe(false);
    const server = createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen(path, r));
    expect(await listening(path)).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
    writeFileSync(join(dir, "not-a-socket"), "");
    expect(await listening(join(dir, "not-a-socket"))).toBe(false);
  });

  it("is false for the socket file a daemon killed with -9 left behind", async () => {
    const path = join(dir, "stale.sock");
    const child = spawn(process.execPath, [
      "-e",
      `require("net").createServer().listen(${JSON.stringify(path)})`,
    ]);
    while (!existsSync(path)) await new Promise((r) => setTimeout(r, 10));
    expect(await listening(path)).toBe(true);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(existsSync(path)).toBe(true);
    expect(await listening(path)).toBe(false);
  });
});
