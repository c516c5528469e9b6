/**
 * Conformance: the project's own schema (TypeBox, shipped in the product) must give the same
 * valid/invalid verdict as the upstream compose-spec JSON schema on generated documents. The
 * upstream schema is test data in ../shared/conformance; deliberate differences are listed in
 * docs/compose-schema.md and in DELIBERATE_DIFFERENCES below.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { composeJsonSchema } from "@tsc/compose";
import ajvModule from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KITCHEN_SINK } from "./conformance/kitchen-sink.js";

const upstreamPath = resolve(import.meta.dirname, "../../../../shared/conformance/compose-spec.json");
const haveUpstream = existsSync(upstreamPath);

function compile(schema: object): ValidateFunction {
  return new ajvModule.default({ allowUnionTypes: true, strict: false }).compile(schema);
}

/** Verdicts that differ on purpose (none today: an empty allow-list makes any difference a failure). */
const DELIBERATE_DIFFERENCES: ((doc: unknown) => boolean)[] = [];

type Json = unknown;
type Path = (string | number)[];

function allPaths(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...path, i], out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) allPaths(v, [...path, k], out);
  return out;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function parentOf(
  doc: Json,
  path: Path,
): { parent: Record<string | number, Json>; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let node = doc as Record<string | number, Json>;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, Json>;
  return { parent: node, key: path[path.length - 1]! };
}

type Mutation =
  | { kind: "replace"; value: Json }
  | { kind: "delete" }
  | { kind: "addKey"; key: string; value: Json }
  | { kind: "renameKey"; suffix: string };

function mutate(doc: Json, path: Path, m: Mutation): Json {
  const out = clone(doc);
  const at = parentOf(out, path);
  if (!at) return m.kind === "replace" ? m.value : out;
  const { parent, key } = at;
  switch (m.kind) {
    case "replace":
      parent[key] = m.value;
      break;
    case "delete":
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case "addKey": {
      const target = parent[key];
      if (target && typeof target === "object" && !Array.isArray(target))
        (target as Record<string, Json>)[m.key] = m.value;
      break;
    }
    case "renameKey":
      if (!Array.isArray(parent)) {
        parent[`${String(key)}${m.suffix}`] = parent[key];
        delete parent[key];
      }
      break;
  }
  return out;
}

const SEEDS: Json[] = [
  KITCHEN_SINK,
  { services: { app: { image: "busybox" } } },
  {
    services: { app: { build: ".", ports: ["80"], environment: ["A=1"] } },
    volumes: { v: null },
    networks: { n: {} },
  },
  { "x-common": {}, services: {} },
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant("replace" as const),
    value: fc.constantFrom<Json>(
      "",
      "x",
      "10s",
      "512m",
      "80:80",
      0,
      -1,
      1.5,
      70000,
      true,
      null,
      [],
      {},
      ["a", "a"],
      { condition: "service_started" },
    ),
  }),
  fc.constant({ kind: "delete" as const }),
  fc.record({
    kind: fc.constant("addKey" as const),
    key: fc.constantFrom("x-ext", "bogus", "image", "condition", "target", "name", "external", "type"),
    value: fc.jsonValue({ maxDepth: 1 }),
  }),
  fc.record({ kind: fc.constant("renameKey" as const), suffix: fc.constantFrom("s", "_", "x") }),
);

describe.skipIf(!haveUpstream)("schema conformance with the upstream compose-spec", () => {
  const upstream = haveUpstream
    ? compile(JSON.parse(readFileSync(upstreamPath, "utf8")) as object)
    : undefined;
  const ours = compile(composeJsonSchema());
  const verdicts = (doc: Json): [boolean, boolean] => [ours(doc), upstream!(doc)];

  it("accepts every seed, as upstream does", () => {
    for (const seed of SEEDS) expect(verdicts(seed)).toEqual([true, true]);
  });

  it("gives upstream's verdict on mutated documents", () => {
    const arb = fc.integer({ min: 0, max: SEEDS.length - 1 }).chain((i) => {
      const seed = SEEDS[i]!;
      return fc.tuple(
        fc.constant(seed),
        fc.constantFrom(...allPaths(seed)),
        fc.array(mutation, { minLength: 1, maxLength: 2 }),
      );
    });
    let invalid = 0;
    fc.assert(
      fc.property(arb, ([seed, path, ms]) => {
        const doc = ms.reduce<Json>((d, m) => mutate(d, path, m), seed);
        const [mine, theirs] = verdicts(doc);
        if (!theirs) invalid++;
        if (mine !== theirs && !DELIBERATE_DIFFERENCES.some((f) => f(doc)))
          throw new Error(
            `verdicts differ at ${path.join(".")}: ours=${mine} upstream=${theirs}\n${JSON.stringify(doc).slice(0, 2000)}`,
          );
      }),
      { seed: 1124, numRuns: 3000 },
    );
    // The generator must produce both kinds of documents for the comparison to mean something.
    expect(invalid).toBeGreaterThan(300);
    expect(invalid).toBeLessThan(2900);
  });
});
