import { describe, expect, it } from "vitest";
import { ComposeError } from "./errors.js";
import { interpolateData, interpolateString } from "./interpolate.js";
import { YamlTag } from "./yaml-tag.js";

const env: Record<string, string> = { SET: "val", EMPTY: "" };
const lookup = (n: string) => env[n];
const run = (s: string) => interpolateString(s, lookup);

describe("interpolateString", () => {
  it.each([
    ["$SET", "val"],
    ["${SET}", "val"],
    ["pre-${SET}-post", "pre-val-post"],
    ["${UNSET:-d}", "d"],
    ["${EMPTY:-d}", "d"],
    ["${EMPTY-d}", ""],
    ["${UNSET-d}", "d"],
    ["${SET:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-${SET:-x}}", "val"],
    ["${UNSET:-a ${UNSET2:-b} c}", "a b c"],
    ["$$SET", "$SET"],
    ["$${SET}", "${SET}"],
    ["no vars", "no vars"],
    ["${SET:?err}", "val"],
  ])("%s → %s", (input, want) => {
    expect(run(input)).toBe(want);
  });

  it("reports unset variables without a default through onMissing, as an empty string", () => {
    const missing: string[] = [];
    expect(interpolateString("a${NOPE}b$NOPE2", lookup, { onMissing: (n) => missing.push(n) })).toBe("ab");
    expect(missing).toEqual(["NOPE", "NOPE2"]);
    expect(interpolateString("${NOPE:-x}", lookup, { onMissing: (n) => missing.push(n) })).toBe("x");
    expect(missing).toHaveLength(2);
  });

  it.each(["${UNSET:?need it}", "${UNSET?need it}", "${EMPTY:?need it}"])(
    "%s fails with the user's message",
    (input) => {
      expect(() => run(input)).toThrowError(/required variable (UNSET|EMPTY) is missing a value: need it/);
    },
  );

  it.each(["${SET", "$", "a $ b", "$1", "${1A}", "${SET:x}", "${SET/a/b}"])(
    "%s is an invalid template",
    (input) => {
      const e = (() => {
        try {
          run(input);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(ComposeError);
      expect((e as ComposeError).code).toBe("E_INTERPOLATION");
      expect((e as ComposeError).hint).toContain("escape any $ with another $");
    },
  );
});

describe("interpolateData", () => {
  it("interpolates values, never keys, and keeps YamlTags", () => {
    const out = interpolateData(
      { "${SET}": ["$SET", 1, true, null], t: new YamlTag("!override", "${SET}") },
      lookup,
    );
    expect(out).toEqual({ "${SET}": ["val", 1, true, null], t: new YamlTag("!override", "val") });
  });

  it("gives the JSON path of a bad value", () => {
    expect(() => interpolateData({ services: { web: { ports: ["${X"] } } }, lookup)).toThrowError(
      expect.objectContaining({ path: ["services", "web", "ports", 0] }),
    );
  });
});
