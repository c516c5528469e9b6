import { describe, expect, it } from "vitest";
import {
  boolFlagValue,
  dockerFlagError,
  flagCheck,
  parseCpus,
  parseGoBool,
  parseGoInt,
  timeFlagValue,
} from "./flags.js";
import { parseBytes } from "./human.js";

describe("flag values", () => {
  it("turns what a parser throws into commander's invalid-argument error", () => {
    const check = flagCheck(parseBytes);
    expect(check("512m")).toBe("512m");
    expect(() => check("notanumber")).toThrow(
      expect.objectContaining({ code: "commander.invalidArgument", message: "invalid size: 'notanumber'" }),
    );
  });

  it("words commander's message as pflag's", () => {
    expect(
      dockerFlagError(
        "error: option '-m, --memory <bytes>' argument 'notanumber' is invalid. invalid size: 'notanumber'\n",
      ),
    ).toBe(`invalid argument "notanumber" for "-m, --memory" flag: invalid size: 'notanumber'\n`);
    expect(dockerFlagError("error: option '--pids-limit <n>' argument 'x' is invalid. nope")).toBe(
      `invalid argument "x" for "--pids-limit" flag: nope`,
    );
    expect(dockerFlagError("error: unknown option '--bogus'\n")).toBe("error: unknown option '--bogus'\n");
  });

  it("parses Go's ints, bools and Docker's --cpus", () => {
    expect(parseGoInt("-3")).toBe(-3);
    expect(() => parseGoInt("1.5")).toThrow(`strconv.ParseInt: parsing "1.5": invalid syntax`);
    expect(parseGoBool("F")).toBe(false);
    expect(() => parseGoBool("yes")).toThrow(`strconv.ParseBool: parsing "yes": invalid syntax`);
    expect(boolFlagValue(undefined)).toBe(true);
    expect(boolFlagValue("=false")).toBe(false);
    expect(parseCpus("1.5")).toBe(1.5);
    expect(() => parseCpus("lots")).toThrow("failed to parse lots as a rational number");
  });

  it("reads --since/--until as Docker's client does, a bad value being exit 1", () => {
    const now = Date.parse("2024-01-01T01:00:00Z");
    expect(timeFlagValue("since", undefined, now)).toBe("");
    expect(timeFlagValue("since", "10m", now)).toBe("2024-01-01T00:50:00.000Z");
    expect(() => timeFlagValue("since", "bogus", now)).toThrow(
      expect.objectContaining({
        exitCode: 1,
        message: `invalid value for "since": failed to parse value as time or duration: "bogus"`,
      }),
    );
  });
});
