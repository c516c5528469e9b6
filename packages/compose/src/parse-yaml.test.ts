import { describe, expect, it } from "vitest";
import { ComposeError } from "./errors.js";
import { parseComposeYaml } from "./parse-yaml.js";
import { YamlTag } from "./yaml-tag.js";

const parse = (text: string) => parseComposeYaml(text, "/p/compose.yaml");
const fail = (text: string): ComposeError => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof ComposeError) return e;
    throw e;
  }
  throw new Error("expected a ComposeError");
};

describe("parseComposeYaml", () => {
  it("reads YAML 1.2: yes/no/on stay strings, numbers and booleans are typed", () => {
    expect(parse("a: yes\nb: no\nc: on\nd: 1\ne: true\nf: null\ng: 1.5\n").data).toEqual({
      a: "yes",
      b: "no",
      c: "on",
      d: 1,
      e: true,
      f: null,
      g: 1.5,
    });
  });

  it("expands anchors and merge keys, explicit keys winning", () => {
    const src = parse("x: &b {image: a, user: u}\nservices:\n  s:\n    <<: *b\n    user: me\n  t: *b\n");
    expect((src.data as any).services).toEqual({
      s: { image: "a", user: "me" },
      t: { image: "a", user: "u" },
    });
  });

  it("merges a list of maps, earlier maps first", () => {
    const src = parse("a: &a {k: 1, x: a}\nb: &b {k: 2, y: b}\nc:\n  <<: [*a, *b]\n");
    expect((src.data as any).c).toEqual({ k: 1, x: "a", y: "b" });
  });

  it("turns !reset and !override into YamlTags", () => {
    const src = parse("ports: !reset []\nenv: !override {A: 1}\nuser: !reset null\n");
    const d = src.data as Record<string, YamlTag>;
    expect(d.ports).toEqual(new YamlTag("!reset", []));
    expect(d.env).toEqual(new YamlTag("!override", { A: 1 }));
    expect(d.user!.tag).toBe("!reset");
  });

  it("locates keys and sequence items exactly, and falls back to the nearest ancestor", () => {
    const src = parse("services:\n  web:\n    ports:\n      - 80\n      - '81'\n");
    expect(src.locate(["services", "web", "ports", 1])).toEqual({
      location: { file: "/p/compose.yaml", line: 5, column: 9 },
      exact: true,
    });
    expect(src.locate(["services", "web", "image"])).toEqual({
      location: { file: "/p/compose.yaml", line: 2, column: 3 },
      exact: false,
    });
  });

  it("points inherited merge-key entries at the << line", () => {
    const src = parse("x: &b {image: a}\ns:\n  <<: *b\n");
    expect(src.locate(["s", "image"])?.location.line).toBe(3);
  });

  it("treats an empty file as an empty document", () => {
    expect(parse("").data).toEqual({});
    expect(parse("# only a comment\n").data).toEqual({});
  });

  it("rejects duplicate keys, multiple documents, non-mapping roots and syntax errors with locations", () => {
    expect(fail("a: 1\nb: 2\na: 3\n")).toMatchObject({ code: "E_YAML", location: { line: 3, column: 1 } });
    expect(fail("a: 1\n---\nb: 2\n")).toMatchObject({
      code: "E_YAML",
      detail: expect.stringContaining("multiple"),
    });
    expect(fail("- 1\n")).toMatchObject({ code: "E_SCHEMA" });
    expect(fail("a: [1, 2\n").code).toBe("E_YAML");
    expect(fail("a:\n\tb: 1\n").hint).toContain("tabs");
  });

  it("rejects self-referencing aliases instead of recursing forever", () => {
    expect(fail("a: &a\n  b: *a\n").code).toBe("E_YAML");
  });

  it("uses string keys for numeric keys", () => {
    expect(parse("sysctls:\n  1: a\n").data).toEqual({ sysctls: { "1": "a" } });
  });
});
