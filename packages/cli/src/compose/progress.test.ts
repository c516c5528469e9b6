import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ProgressMode } from "./progress.js";
import { Progress } from "./progress.js";

/** A progress display in `mode` whose output the test reads. */
function progressIn(mode: ProgressMode): { progress: Progress; lines: () => Promise<string[]> } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (b: Buffer) => chunks.push(b.toString()));
  const progress = new Progress(mode, "Pulling", out as unknown as NodeJS.WriteStream);
  const lines = async () => {
    await new Promise((r) => setImmediate(r));
    return chunks.join("").split("\n").filter(Boolean);
  };
  return { progress, lines };
}

describe("Progress", () => {
  it("prints Compose's plain lines: kinds with their name, bare IDs (pulls) alone", async () => {
    const { progress, lines } = progressIn("plain");
    progress.set("", "web", "Pulling");
    progress.set("", "4abcf2066143", "Pull complete", { done: true });
    progress.set("Image", "busybox", "Resource is still in use", { done: true, warning: true });
    progress.end();
    expect(await lines()).toEqual([
      " web Pulling",
      " 4abcf2066143 Pull complete",
      " Image busybox  Resource is still in use",
    ]);
  });

  it("marks warnings in json", async () => {
    const { progress, lines } = progressIn("json");
    progress.set("Image", "busybox", "Resource is still in use", { done: true, warning: true });
    progress.end();
    expect((await lines()).map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: "Image busybox", status: "Resource is still in use", done: true, error: false, warning: true },
    ]);
  });
});
