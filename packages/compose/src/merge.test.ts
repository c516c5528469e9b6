import { describe, expect, it } from "vitest";
import { mergeComposeData } from "./merge.js";
import { YamlTag } from "./yaml-tag.js";

const svc = (base: object, over: object) =>
  (mergeComposeData({ services: { s: base } }, { services: { s: over } }) as any).services.s;

describe("mergeComposeData", () => {
  it("merges maps recursively and lets scalars override", () => {
    expect(mergeComposeData({ a: { b: 1, c: 2 }, d: 1 }, { a: { c: 3 }, d: 2 })).toEqual({
      a: { b: 1, c: 3 },
      d: 2,
    });
  });

  it("replaces command, entrypoint and healthcheck.test", () => {
    expect(
      svc(
        { command: ["a", "b"], entrypoint: ["x"], healthcheck: { test: ["CMD", "a"], retries: 1 } },
        { command: ["c"], healthcheck: { test: ["CMD", "b"] } },
      ),
    ).toEqual({
      command: ["c"],
      entrypoint: ["x"],
      healthcheck: { test: ["CMD", "b"], retries: 1 },
    });
  });

  it("merges environment and labels by name across list and map forms", () => {
    expect(
      svc({ environment: ["A=1", "B=2"], labels: { x: "1" } }, { environment: { B: 3 }, labels: ["y=2"] }),
    ).toEqual({
      environment: { A: "1", B: 3 },
      labels: { x: "1", y: "2" },
    });
  });

  it("keeps ports unique and volumes unique by target", () => {
    expect(
      svc(
        { ports: ["80:80", "81:81"], volumes: ["a:/d", "b:/e"] },
        { ports: ["80:80", "82:82"], volumes: [{ type: "volume", source: "c", target: "/d" }] },
      ),
    ).toEqual({
      ports: ["80:80", "81:81", "82:82"],
      volumes: [{ type: "volume", source: "c", target: "/d" }, "b:/e"],
    });
  });

  it("appends other lists without repeating scalars", () => {
    expect(svc({ cap_add: ["A"], dns: ["1.1.1.1"] }, { cap_add: ["A", "B"], dns: ["8.8.8.8"] })).toEqual({
      cap_add: ["A", "B"],
      dns: ["1.1.1.1", "8.8.8.8"],
    });
  });

  it("merges depends_on and networks by name, converting lists when forms differ", () => {
    expect(
      svc(
        { depends_on: ["db"], networks: ["a"] },
        { depends_on: { cache: { condition: "service_healthy" } }, networks: { b: { aliases: ["x"] } } },
      ),
    ).toEqual({
      depends_on: { db: { condition: "service_started" }, cache: { condition: "service_healthy" } },
      networks: { a: null, b: { aliases: ["x"] } },
    });
  });

  it("replaces logging when the driver changes and merges it otherwise", () => {
    expect(svc({ logging: { driver: "a", options: { x: 1 } } }, { logging: { driver: "b" } })).toEqual({
      logging: { driver: "b" },
    });
    expect(svc({ logging: { driver: "a", options: { x: 1 } } }, { logging: { options: { y: 2 } } })).toEqual({
      logging: { driver: "a", options: { x: 1, y: 2 } },
    });
  });

  it("honours !reset and !override", () => {
    expect(
      svc(
        { ports: ["80:80"], user: "root", environment: { A: "1", B: "2" } },
        {
          ports: new YamlTag("!reset", []),
          user: new YamlTag("!reset", null),
          environment: { A: new YamlTag("!reset", null) },
        },
      ),
    ).toEqual({
      environment: { B: "2" },
    });
    expect(svc({ environment: { A: "1" } }, { environment: new YamlTag("!override", { B: "2" }) })).toEqual({
      environment: { B: "2" },
    });
  });

  it("never mutates its inputs", () => {
    const base = { services: { s: { environment: ["A=1"], ports: ["80"] } } };
    const copy = structuredClone(base);
    mergeComposeData(base, { services: { s: { environment: ["B=2"], ports: ["81"] } } });
    expect(base).toEqual(copy);
  });

  it("fails with E_MERGE and the path when a mapping is overridden by a scalar", () => {
    expect(() => mergeComposeData({ "x-a": { b: 1 } }, { "x-a": "s" })).toThrowError(
      expect.objectContaining({ code: "E_MERGE", path: ["x-a"] }),
    );
  });
});
