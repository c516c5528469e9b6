import { describe, expect, it } from "vitest";
import { parseBytes } from "./units.js";

const P = ["services", "web", "mem_limit"];

describe("parseBytes", () => {
  it.each<[string | number, number]>([
    ["512m", 536870912],
    ["1g", 1073741824],
    ["1G", 1073741824],
    ["1.5g", 1610612736],
    ["100kb", 102400],
    ["64MiB", 67108864],
    ["2 k", 2048],
    ["10b", 10],
    ["1024", 1024],
    [2048, 2048],
    ["-1", -1],
    [-1, -1],
    ["1t", 1024 ** 4],
    ["1.5", 1],
    [1.5, 1],
  ])("%j is %d bytes", (input, want) => {
    expect(parseBytes(input, P)).toBe(want);
  });

  it.each<unknown>(["lots", "1x", "m", "", "-1g", "1  g", Number.NaN, true])(
    "rejects %j with the path and a hint",
    (input) => {
      expect(() => parseBytes(input, P)).toThrowError(
        expect.objectContaining({
          code: "E_INVALID_VALUE",
          path: P,
          message: expect.stringContaining(
            "is not a valid size (use a number of bytes or a number with a unit",
          ),
        }),
      );
    },
  );
});
