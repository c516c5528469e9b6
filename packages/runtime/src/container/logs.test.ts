import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type LogEntry, parseK8sLog, readLogs, utcLogTime } from "./logs.js";

describe("container log lines", () => {
  it("gives times as Docker prints them: UTC, nine fractional digits, Z", () => {
    expect(utcLogTime("2026-12-07T20:39:22.950798661+00:00")).toBe("2026-12-07T20:39:22.950798661Z");
    expect(utcLogTime("2026-12-07T21:39:22.95+01:00")).toBe("2026-12-07T20:39:22.950000000Z");
    expect(utcLogTime("2026-12-07T20:39:22Z")).toBe("2026-12-07T20:39:22.000000000Z");
    expect(utcLogTime("not a time")).toBe("not a time");
  });

  it("joins partial lines per stream and normalizes their times", () => {
    const pending = new Map<string, string>();
    const text = [
      "2026-12-07T20:39:22.000000001+00:00 stdout P hel",
      "2026-12-07T20:39:22.000000002+00:00 stderr F oops",
      "2026-12-07T20:39:22.000000003+00:00 stdout F lo",
      "",
    ].join("\n");
    expect(parseK8sLog(text, pending)).toEqual([
      { time: "2026-12-07T20:39:22.000000002Z", stream: "stderr", line: "oops" },
      { time: "2026-12-07T20:39:22.000000003Z", stream: "stdout", line: "hello" },
    ]);
  });

  it("keeps lines holding a carriage return, as written (TTY output, printf 'a\\rb')", () => {
    const text = [
      "2026-12-07T20:39:22.000000001+00:00 stdout F hi\r",
      "2026-12-07T20:39:22.000000002+00:00 stdout F a\rb",
      "",
    ].join("\n");
    expect(parseK8sLog(text).map((e) => e.line)).toEqual(["hi\r", "a\rb"]);
  });
});

describe("readLogs", () => {
  it("stops following at the until time while the container keeps writing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tsc-logs-"));
    const file = join(dir, "ctr.log");
    const line = (text: string) => `${new Date().toISOString()} stdout F ${text}\n`;
    await writeFile(file, line("before"));
    let pending: Promise<void> = Promise.resolve();
    const writer = setInterval(() => (pending = appendFile(file, line("more"))), 50);
    try {
      const until = new Date(Date.now() + 300);
      const seen: LogEntry[] = [];
      const started = Date.now();
      for await (const e of readLogs(file, { follow: true, until, isDone: () => false })) seen.push(e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(seen[0]?.line).toBe("before");
      expect(seen.every((e) => Date.parse(e.time) <= until.getTime())).toBe(true);
    } finally {
      clearInterval(writer);
      // The last append must land before the directory goes, or it could outlive the test.
      await pending.catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("does not follow when the until time has already passed", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tsc-logs-"));
    const file = join(dir, "ctr.log");
    try {
      await writeFile(file, "2026-12-07T20:39:22.000000001+00:00 stdout F old\n");
      const lines: string[] = [];
      const until = new Date(Date.now() - 1000);
      for await (const e of readLogs(file, { follow: true, until, isDone: () => false })) lines.push(e.line);
      expect(lines).toEqual(["old"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
