/** Bad flag values end tscctl as Docker's do (usage errors with the command's hint), never as internal errors. */
import { CommanderError } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExitError } from "../common/run-cli.js";
import { ctlProgram } from "./program.js";

/** Runs tscctl's parser on `args` (no daemon: every case fails before connecting). */
async function fails(args: string[]): Promise<{ error: unknown; stderr: string }> {
  let stderr = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const { program, close } = ctlProgram();
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    return { error, stderr };
  } finally {
    close();
  }
  throw new Error(`tscctl ${args.join(" ")} did not fail`);
}

afterEach(() => vi.restoreAllMocks());

describe("tscctl flag errors", () => {
  it("refuses a bad -m with pflag's words, exit 125 and the help hint", async () => {
    const { error, stderr } = await fails(["run", "-m", "notanumber", "busybox"]);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).exitCode).toBe(125);
    expect(stderr).toBe(
      `invalid argument "notanumber" for "-m, --memory" flag: invalid size: 'notanumber'\nSee 'tscctl run --help'.\n`,
    );
  });

  it("refuses other typed flags the same way", async () => {
    for (const args of [
      ["create", "--pids-limit", "x", "busybox"],
      ["run", "--cpus", "x", "busybox"],
      ["update", "-m", "x", "c"],
      ["ps", "-n", "x"],
    ]) {
      const { error, stderr } = await fails(args);
      expect((error as CommanderError).exitCode).toBe(125);
      expect(stderr).toMatch(/^invalid argument "x" for "[^"]+" flag: /);
    }
  });

  it("refuses a host port above 65535 as Docker does", async () => {
    const { error } = await fails(["run", "-p", "99999:80", "busybox"]);
    expect(error).toBeInstanceOf(ExitError);
    expect(error).toMatchObject({
      exitCode: 125,
      message: "tscctl: Invalid hostPort: 99999\nSee 'tscctl run --help'.",
    });
  });

  it("refuses a bad --since with Docker's client message, exit 1", async () => {
    const { error } = await fails(["logs", "--since", "bogus", "c"]);
    expect(error).toMatchObject({
      exitCode: 1,
      message: `invalid value for "since": failed to parse value as time or duration: "bogus"`,
    });
  });

  it("names the whole command in the help hint", async () => {
    const { stderr } = await fails(["volume", "ls", "--bogus"]);
    expect(stderr).toMatch(/See 'tscctl volume ls --help'\.\n$/);
    expect((await fails(["network", "list", "--bogus"])).stderr).toMatch(
      /See 'tscctl network ls --help'\.\n$/,
    );
    expect((await fails(["--bogus"])).stderr).toMatch(/See 'tscctl --help'\.\n$/);
  });
});
