/**
 * Property: whatever bytes a compose file holds, the loader either returns a project or throws its
 * typed ComposeError with a stable code and a file:line:column location — never anything else
 * (no TypeError, no stack-trace crash, no error without a place to look).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isComposeError, loadProject } from "@tsc/compose";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

const SEED = `name: prop
x-base: &base
  image: busybox:latest
  restart: unless-stopped
services:
  web:
    <<: *base
    command: ["httpd", "-f", "-p", "8080"]
    ports:
      - "8080:8080"
      - target: 81
        published: "9090"
    environment:
      MODE: \${MODE:-prod}
      EMPTY: ""
    volumes:
      - data:/data
      - ./conf:/etc/conf:ro
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
    depends_on:
      db:
        condition: service_healthy
    deploy:
      replicas: 2
      resources:
        limits: { cpus: "0.5", memory: 64m }
    networks: [front]
  db:
    image: busybox
    profiles: [backend]
    labels: [a=b, c=d]
networks:
  front: {}
volumes:
  data: {}
`;

const dir = mkdtempSync(join(tmpdir(), "tsc-compose-prop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function check(text: string): Promise<void> {
  const file = join(dir, `c${n++}.yaml`);
  writeFileSync(file, text);
  try {
    await loadProject({ files: [file], workingDir: dir, env: {}, profiles: ["*"] });
  } catch (e) {
    if (!isComposeError(e))
      throw new Error(`untyped failure for input:\n${text}\n---\n${String(e)}`, { cause: e });
    expect(e.code).toMatch(/^E_[A-Z_]+$/);
    expect(e.location, `no location for ${e.code}: ${e.message}\ninput:\n${text}`).toBeDefined();
    expect(e.message).toContain(`${file}:`);
  }
}

/** Random edits of the seed: insert, delete or replace a character; duplicate, drop or swap lines. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.constantFrom(
      ...":-[]{}&*!|>'\"#$%@`,?\t\n ".split(""),
      "${",
      "x",
      "0",
      "null",
      "!reset ",
      "!override ",
      "<<: ",
    ),
  }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("dupLine" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("dropLine" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swapLines" as const), at: fc.nat(), other: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, m: Mutation): string {
  const lines = text.split("\n");
  switch (m.kind) {
    case "insert": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case "delete": {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.len);
    }
    case "dupLine": {
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i]!);
      return lines.join("\n");
    }
    case "dropLine":
      lines.splice(m.at % lines.length, 1);
      return lines.join("\n");
    case "swapLines": {
      const i = m.at % lines.length;
      const j = m.other % lines.length;
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join("\n");
    }
  }
}

describe("loader robustness", () => {
  it("the unmutated seed loads", async () => {
    await check(SEED);
    const { project } = await loadProject({
      files: [join(dir, "c0.yaml")],
      workingDir: dir,
      env: {},
      profiles: ["*"],
    });
    expect(Object.keys(project.services).sort()).toEqual(["db", "web"]);
  });

  it("mutated compose files load or fail with a located ComposeError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        await check(ms.reduce(apply, SEED));
      }),
      { seed: 20261124, numRuns: 400 },
    );
  });

  it("random bytes load or fail with a located ComposeError", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 200 }), async (text) => {
        await check(text);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
