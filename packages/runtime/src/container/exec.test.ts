import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectExec, execFailure, ExecProcess } from "./exec.js";

const START = "exec failed: unable to start container process";

describe("execFailure", () => {
  it("maps runc's failures to Docker's message and exit codes", () => {
    expect(execFailure(`${START}: exec: "nosuch": executable file not found in $PATH`, "nosuch")).toEqual({
      message: `OCI runtime exec failed: ${START}: exec: "nosuch": executable file not found in $PATH: unknown`,
      exitCode: 127,
    });
    expect(
      execFailure(`${START}: exec: "/no/such": stat /no/such: no such file or directory`, "/no/such"),
    ).toMatchObject({ exitCode: 127 });
    expect(execFailure(`${START}: exec: "/etc/passwd": permission denied`, "/etc/passwd")).toMatchObject({
      exitCode: 126,
    });
    const chdir = `${START}: chdir to cwd ("/nonexist") set in config.json failed: no such file or directory`;
    expect(execFailure(chdir, "pwd")).toMatchObject({ exitCode: 126 });
  });
});

describe("ExecProcess", () => {
  let dir = "";
  let files = { pidFile: "", logFile: "" };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsc-exec-"));
    files = { pidFile: join(dir, "exec.pid"), logFile: join(dir, "exec.log") };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in for `runc exec`: a shell script, with the pid and log files runc would write. */
  const fakeRunc = (script: string) =>
    new ExecProcess(spawn("sh", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] }), files, "nosuch");

  it("turns runc's failure to start the command into Docker's message and exit code", async () => {
    const error = `${START}: exec: "nosuch": executable file not found in $PATH`;
    writeFileSync(files.logFile, `${JSON.stringify({ level: "error", msg: error, time: "t" })}\n`);
    const r = await collectExec(fakeRunc(`echo 'time="t" level=error msg="raw"' >&2; exit 255`), {});
    expect(r).toEqual({
      exitCode: 127,
      stdout: "",
      stderr: `OCI runtime exec failed: ${error}: unknown\n`,
    });
    expect(existsSync(files.logFile)).toBe(false);
  });

  it("passes on the output and exit code of a command that started, 255 included", async () => {
    const script = `echo early; : > ${files.pidFile}; echo out; echo err >&2; exit 255`;
    const r = await collectExec(fakeRunc(script), {});
    expect(r).toEqual({ exitCode: 255, stdout: "early\nout\n", stderr: "err\n" });
    expect(existsSync(files.pidFile)).toBe(false);
  });

  it("releases output written before the pid file once the file is there", async () => {
    const p = fakeRunc(`echo hi; sleep 0.05; : > ${files.pidFile}; exec sleep 5`);
    const first = await new Promise<string>((resolve) =>
      p.stdout.once("data", (b: Buffer) => resolve(String(b))),
    );
    expect(first).toBe("hi\n");
    expect(p.exitCode).toBe(null);
    process.kill(p.pid!);
  });
});
