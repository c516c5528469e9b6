import { describe, expect, it } from "vitest";
import { mapFields, parseBool, parseInteger, parseNumber, parseOctalMode, stringList } from "./values.js";

const P = ["services", "web", "init"];

describe("scalar values", () => {
  it("parses booleans written as Go or YAML 1.1 would, in any case", () => {
    expect(["true", "1", "T", "True", "yes", "ON", "y", true].map((v) => parseBool(v, P))).toEqual(
      Array(8).fill(true),
    );
    expect(["false", "0", "F", "FALSE", "no", "off", "n", false].map((v) => parseBool(v, P))).toEqual(
      Array(8).fill(false),
    );
    expect(() => parseBool("maybe", P)).toThrowError(
      expect.objectContaining({
        code: "E_INVALID_VALUE",
        path: P,
        message: 'services.web.init: "maybe" is not a boolean (use true or false)',
      }),
    );
  });

  it("parses integers from numbers and numeric strings, within bounds", () => {
    expect(parseInteger(" 42 ", P)).toBe(42);
    expect(parseInteger("-1", P)).toBe(-1);
    expect(parseInteger(7, P, { min: 0, max: 10 })).toBe(7);
    expect(() => parseInteger("4.5", P)).toThrowError(/"4.5" is not an integer/);
    expect(() => parseInteger(1.5, P)).toThrowError(/not an integer/);
    expect(() => parseInteger(-2, P, { min: 0 })).toThrowError(
      /-2 is out of range \(use a number of at least 0\)/,
    );
    expect(() => parseInteger(101, P, { min: 0, max: 100 })).toThrowError(/use a number from 0 to 100/);
  });

  it("parses numbers", () => {
    expect(parseNumber("0.5", P)).toBe(0.5);
    expect(parseNumber(2, P)).toBe(2);
    expect(() => parseNumber("half", P)).toThrowError(/"half" is not a number/);
    expect(() => parseNumber("", P)).toThrowError(/not a number/);
  });

  it("reads string modes as octal and keeps numbers", () => {
    expect(parseOctalMode("0440", P)).toBe(0o440);
    expect(parseOctalMode("440", P)).toBe(0o440);
    expect(parseOctalMode("0o755", P)).toBe(0o755);
    expect(parseOctalMode(288, P)).toBe(288);
    expect(() => parseOctalMode("0948", P)).toThrowError(/is not a file mode/);
  });

  it("turns a string or list into a list of strings", () => {
    expect(stringList("a")).toEqual(["a"]);
    expect(stringList([80, "81/udp", true])).toEqual(["80", "81/udp", "true"]);
  });

  it("maps fields by rule, drops nulls and rule-dropped fields, keeps the rest and x- nulls", () => {
    const out = mapFields(
      { a: "1", b: null, c: "keep", d: 1, "x-e": null },
      { a: (v, p) => parseInteger(v, p), d: () => undefined },
      ["root"],
    );
    expect(out).toEqual({ a: 1, c: "keep", "x-e": null });
  });
});
