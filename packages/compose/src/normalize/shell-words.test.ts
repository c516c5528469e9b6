import { describe, expect, it } from "vitest";
import { splitShellWords } from "./shell-words.js";

const P = ["services", "web", "command"];

describe("splitShellWords", () => {
  it("splits like a POSIX shell without expanding anything", () => {
    expect(splitShellWords(`sh -c 'echo "a b"' x\\ y "q \\"z\\"" $HOME`, P)).toEqual([
      "sh",
      "-c",
      'echo "a b"',
      "x y",
      'q "z"',
      "$HOME",
    ]);
  });

  it("gives no words for an empty or blank command, and keeps empty quoted words", () => {
    expect(splitShellWords("", P)).toEqual([]);
    expect(splitShellWords("  \t ", P)).toEqual([]);
    expect(splitShellWords(`a "" b`, P)).toEqual(["a", "", "b"]);
  });

  it("joins adjacent quoted and unquoted parts into one word", () => {
    expect(splitShellWords(`--opt="a b"'c'd`, P)).toEqual(["--opt=a bcd"]);
  });

  it.each([
    [`echo 'oops`, /unterminated single quote/],
    [`echo "oops`, /unterminated double quote/],
  ])("rejects %j with the path", (text, message) => {
    expect(() => splitShellWords(text, P)).toThrowError(
      expect.objectContaining({ code: "E_INVALID_VALUE", path: P, message: expect.stringMatching(message) }),
    );
  });
});
