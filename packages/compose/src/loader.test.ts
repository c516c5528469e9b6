import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadProject } from "./loader.js";

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("loadProject's unset-variable warnings", () => {
  it("warns once per variable used without a default, never for one with a default or :+", async () => {
    dir = mkdtempSync(join(tmpdir(), "tsc-loader-"));
    writeFileSync(
      join(dir, "compose.yaml"),
      [
        "name: warn",
        "services:",
        "  app:",
        "    image: busybox",
        "    environment:",
        "      A: ${A}",
        "      A2: $A",
        "      B: ${B:-fallback}",
        "      C: ${C-fallback}",
        "      D: $D",
        "      E: ${E:+set}",
        "      F: ${F:-${NESTED}}",
        "",
      ].join("\n"),
    );
    const { project, warnings } = await loadProject({ workingDir: dir, env: {} });
    expect(warnings).toEqual([
      'The "A" variable is not set. Defaulting to a blank string.',
      'The "D" variable is not set. Defaulting to a blank string.',
      'The "NESTED" variable is not set. Defaulting to a blank string.',
    ]);
    expect(project.services.app!.environment).toMatchObject({
      A: "",
      B: "fallback",
      C: "fallback",
      D: "",
      E: "",
      F: "",
    });
  });
});
