import { describe, expect, it } from "vitest";
import type { ComposeError } from "./errors.js";
import { validateComposeData } from "./validate.js";

function errorOf(doc: unknown): ComposeError {
  try {
    validateComposeData(doc, (path) => ({ file: "c.yaml", line: path.length, column: 1 }));
  } catch (e) {
    return e as ComposeError;
  }
  throw new Error("expected the document to be rejected");
}

describe("validateComposeData", () => {
  it("accepts valid documents, x- extensions included", () => {
    expect(() =>
      validateComposeData({
        "x-any": [1, { a: 2 }],
        services: { web: { image: "a", ports: [80, "81:81", { target: 82 }], "x-meta": true } },
        networks: { n: null },
        volumes: { v: {} },
      }),
    ).not.toThrow();
  });

  it("names the nearest key for a typo at every level", () => {
    expect(errorOf({ servics: {} })).toMatchObject({
      code: "E_SCHEMA",
      path: ["servics"],
      hint: 'did you mean "services"?',
    });
    expect(errorOf({ services: { w: { imgae: "x" } } })).toMatchObject({
      path: ["services", "w", "imgae"],
      hint: 'did you mean "image"?',
    });
    expect(errorOf({ services: { w: { deploy: { resources: { limits: { memroy: "1g" } } } } } }).hint).toBe(
      'did you mean "memory"?',
    );
  });

  it("lists valid keys when nothing is close", () => {
    expect(errorOf({ services: { w: { ports: [{ target: 1, zzzzzzz: 1 }] } } }).hint).toMatch(
      /valid keys: name, mode, host_ip/,
    );
  });

  it("reports the location given by locate, pointing at the offending key", () => {
    expect(errorOf({ services: { w: { bogus: 1 } } }).location).toEqual({
      file: "c.yaml",
      line: 3,
      column: 1,
    });
  });

  it("explains type mismatches with what was expected and what was found", () => {
    expect(errorOf({ services: { w: { image: 5 } } }).detail).toBe("must be a string, got number 5");
    expect(errorOf({ services: { w: { environment: 5 } } }).detail).toBe(
      "must be a mapping or a list, got number 5",
    );
    expect(errorOf({ services: { w: { command: { a: 1 } } } }).detail).toBe(
      "must be null, a string or a list, got a mapping",
    );
  });

  it("prefers the union branch that matches the value's type", () => {
    const e = errorOf({ services: { w: { ports: [{ target: 80, foo: 1 }] } } });
    expect(e.path).toEqual(["services", "w", "ports", 0, "foo"]);
  });

  it("reports enum values, missing required keys and duplicates", () => {
    expect(errorOf({ services: { w: { depends_on: { db: { condition: "up" } } } } }).hint).toContain(
      '"service_healthy"',
    );
    expect(errorOf({ services: { w: { depends_on: { db: {} } } } }).detail).toBe('"condition" is required');
    expect(errorOf({ services: { w: { cap_add: ["A", "A"] } } }).detail).toBe(
      "must not contain duplicate items",
    );
  });

  it("explains bad resource names and out-of-range numbers", () => {
    expect(errorOf({ services: { "bad name!": { image: "x" } } })).toMatchObject({
      path: ["services", "bad name!"],
      detail: '"bad name!" is not a valid name',
      hint: 'names may contain only letters, digits, ".", "_" and "-"',
    });
    expect(errorOf({ services: { w: { cpu_percent: 150 } } }).detail).toBe("must be at most 100, got 150");
  });
});
