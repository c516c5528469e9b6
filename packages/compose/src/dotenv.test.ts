import { describe, expect, it } from "vitest";
import { parseDotenv } from "./dotenv.js";

const parse = (text: string, lookup: Record<string, string> = {}) =>
  parseDotenv(text, { file: ".env", lookup: (n) => lookup[n] });

describe("parseDotenv", () => {
  it("reads plain, exported, colon-separated and empty assignments", () => {
    expect(parse("A=1\nexport B=2\nC: 3\nD=\n  E = spaced  \n")).toEqual({
      A: "1",
      B: "2",
      C: "3",
      D: "",
      E: "spaced",
    });
  });

  it("skips comments and blank lines, and strips inline comments only after whitespace", () => {
    expect(parse("# c\n\nA=1 # note\nB=a#b\n")).toEqual({ A: "1", B: "a#b" });
  });

  it("keeps single quotes literal and expands double quotes with escapes", () => {
    expect(parse('X=x\nA=\'$X \\n\'\nB="$X \\"q\\" \\n \\$X"\n')).toEqual({
      X: "x",
      A: "$X \\n",
      B: 'x "q" \n $X',
    });
  });

  it("reads multiline quoted values and keeps counting lines after them", () => {
    expect(parse("A=\"one\ntwo\"\nB='three\nfour'\nC=5\n")).toEqual({
      A: "one\ntwo",
      B: "three\nfour",
      C: "5",
    });
    expect(() => parse('A="one\ntwo"\nB=\'open\n')).toThrowError(
      /\.env:3:1: unterminated single-quoted value for B/,
    );
  });

  it("expands references to earlier keys, then to the lookup, with defaults", () => {
    expect(parse("A=a\nB=${A}-$OS-${NONE:-d}\n", { OS: "os" })).toEqual({ A: "a", B: "a-os-d" });
  });

  it("inherits a bare key from the lookup, or leaves it out", () => {
    expect(parse("A\nB\n", { A: "from-os" })).toEqual({ A: "from-os" });
  });

  it("handles CRLF line ends and a BOM", () => {
    expect(parse("\uFEFFA=1\r\nB=2\r\n")).toEqual({ A: "1", B: "2" });
  });

  it("rejects invalid names with the line number", () => {
    expect(() => parse("A=1\n1B=2\n")).toThrowError(/\.env:2:1: invalid variable name "1B"/);
  });
});
