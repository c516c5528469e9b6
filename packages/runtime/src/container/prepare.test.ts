import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTscError } from "@tsc/core";
import { afterEach, describe, expect, it } from "vitest";
import { prepareBindSources } from "./prepare.js";

describe("prepareBindSources", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("creates the missing host directory of a -v bind, as Docker does", async () => {
    dir = mkdtempSync(join(tmpdir(), "tsc-binds-"));
    const source = join(dir, "x", "newdir");
    await prepareBindSources([{ type: "bind", source, target: "/m", createSource: true }]);
    expect(statSync(source).isDirectory()).toBe(true);
  });

  it("refuses a --mount bind whose source does not exist, with Docker's words", async () => {
    dir = mkdtempSync(join(tmpdir(), "tsc-binds-"));
    const source = join(dir, "x", "newdir");
    const err = await prepareBindSources([{ type: "bind", source, target: "/m" }]).catch((e: unknown) => e);
    expect(isTscError(err, "InvalidArgument")).toBe(true);
    expect((err as Error).message).toBe(
      `invalid mount config for type "bind": bind source path does not exist: ${source}`,
    );
    expect(existsSync(join(dir, "x"))).toBe(false);
    // Existing sources and other mounts pass.
    await prepareBindSources([
      { type: "bind", source: dir, target: "/m" },
      { type: "tmpfs", target: "/t" },
    ]);
  });
});
