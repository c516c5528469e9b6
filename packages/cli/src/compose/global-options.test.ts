import { describe, expect, it } from "vitest";
import { composeProgram } from "./program.js";

/** The progress mode `up` runs with for `args` (its action replaced by a probe). */
async function upProgress(args: string[]): Promise<string | undefined> {
  const program = composeProgram().configureOutput({ writeErr: () => undefined });
  let mode: string | undefined;
  program.commands
    .find((c) => c.name() === "up")!
    .action((_services: string[], flags: { progress?: string }) => {
      mode = flags.progress;
    });
  await program.parseAsync(["node", "tsc-compose", ...args]);
  program.engine?.close();
  return mode;
}

describe("--progress", () => {
  it("is a global option, as in Compose v2, and the command's own still works", async () => {
    expect(await upProgress(["--progress", "json", "up", "-d"])).toBe("json");
    expect(await upProgress(["up", "-d", "--progress", "plain"])).toBe("plain");
    expect(await upProgress(["--progress", "json", "up", "--progress", "quiet"])).toBe("quiet");
    expect(await upProgress(["up", "-d"])).toBe("auto");
  });

  it("rejects an unknown mode", async () => {
    await expect(upProgress(["--progress", "fancy", "up"])).rejects.toThrow(/fancy/);
  });
});
