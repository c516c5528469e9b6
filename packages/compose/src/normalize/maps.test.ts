import { describe, expect, it } from "vitest";
import { hostsList, keyValueMap, labelsMap, mappingWithEquals, optionsMap } from "./maps.js";

const P = ["services", "web", "environment"];
const env: Record<string, string> = { FROM_SHELL: "shell", EMPTY: "" };
const lookup = (name: string) => env[name];

describe("mappingWithEquals (environment, build args)", () => {
  it("turns a list into a map, resolving bare names from the environment or leaving them null", () => {
    expect(
      mappingWithEquals(["A=1", "B=", "C=x=y", "FROM_SHELL", "EMPTY", "UNSET"], P, lookup, true),
    ).toEqual({
      A: "1",
      B: "",
      C: "x=y",
      FROM_SHELL: "shell",
      EMPTY: "",
      UNSET: null,
    });
  });

  it("stringifies map values and resolves null ones", () => {
    expect(
      mappingWithEquals({ N: 1, T: true, S: "s", FROM_SHELL: null, UNSET: null }, P, lookup, true),
    ).toEqual({
      N: "1",
      T: "true",
      S: "s",
      FROM_SHELL: "shell",
      UNSET: null,
    });
  });

  it("leaves unresolved names out when asked (build args)", () => {
    expect(mappingWithEquals(["UNSET", "FROM_SHELL", "V=1"], P, lookup, false)).toEqual({
      FROM_SHELL: "shell",
      V: "1",
    });
  });

  it("rejects a name with a trailing space and an empty name, at the item's path", () => {
    expect(() => mappingWithEquals(["OK=1", "BAD =1"], P, lookup, true)).toThrowError(
      expect.objectContaining({
        path: [...P, 1],
        message: expect.stringContaining('variable "BAD " is declared with a trailing space'),
      }),
    );
    expect(() => mappingWithEquals(["=1"], P, lookup, true)).toThrowError(/has no variable name/);
  });
});

describe("label-style maps", () => {
  it("treat a missing value as an empty string", () => {
    expect(labelsMap(["a=b", "c", "d=e=f"])).toEqual({ a: "b", c: "", d: "e=f" });
    expect(labelsMap({ a: 1, b: null, c: false })).toEqual({ a: "1", b: "", c: "false" });
  });

  it("options keep every value as a string", () => {
    expect(optionsMap({ size: 10, o: "bind", e: null })).toEqual({ size: "10", o: "bind", e: "" });
  });

  it("key=value lists require a value", () => {
    expect(keyValueMap(["a=b"], P)).toEqual({ a: "b" });
    expect(() => keyValueMap(["a"], P)).toThrowError(/"a" is not a KEY=VALUE pair/);
  });
});

describe("hostsList (extra_hosts)", () => {
  it("accepts = and the legacy : separator, several addresses, and bracketed IPv6", () => {
    expect(
      hostsList(["db:10.0.0.2", "api=10.0.0.3", "v6=[::1]", "legacy6:::1", "multi=1.1.1.1,2.2.2.2"], P),
    ).toEqual(["db=10.0.0.2", "api=10.0.0.3", "v6=::1", "legacy6=::1", "multi=1.1.1.1", "multi=2.2.2.2"]);
  });

  it("accepts a map of host to one address or a list", () => {
    expect(hostsList({ cache: "10.0.0.4", multi: ["10.0.0.5", "10.0.0.6"] }, P)).toEqual([
      "cache=10.0.0.4",
      "multi=10.0.0.5",
      "multi=10.0.0.6",
    ]);
  });

  it.each<[unknown, (string | number)[], RegExp]>([
    [["nohost"], [0], /"nohost" has no IP address/],
    [["=1.2.3.4"], [0], /"" is not a valid host name/],
    [["h="], [0], /host "h" has no IP address/],
    [{ h: "" }, ["h"], /host "h" has no IP address/],
  ])("rejects %j", (value, sub, message) => {
    expect(() => hostsList(value, P)).toThrowError(
      expect.objectContaining({ path: [...P, ...sub], message: expect.stringMatching(message) }),
    );
  });
});
