import { describe, expect, it } from "vitest";
import { implicitReferences, normalizeDependsOn } from "./depends-on.js";

const P = ["services", "web", "depends_on"];
const started = { condition: "service_started", required: true };

describe("normalizeDependsOn", () => {
  it("turns a list into started, required dependencies", () => {
    expect(normalizeDependsOn({ depends_on: ["db", "cache"] }, P)).toEqual({ db: started, cache: started });
  });

  it("fills in the defaults of the long form and parses its booleans", () => {
    expect(
      normalizeDependsOn(
        {
          depends_on: {
            db: { condition: "service_healthy" },
            init: { condition: "service_completed_successfully", required: "false", restart: "true" },
            plain: {},
          },
        },
        P,
      ),
    ).toEqual({
      db: { condition: "service_healthy", required: true },
      init: { condition: "service_completed_successfully", required: false, restart: true },
      plain: started,
    });
  });

  it("adds links, volumes_from and service: modes as dependencies without overriding depends_on", () => {
    expect(
      normalizeDependsOn(
        {
          depends_on: { db: { condition: "service_healthy" } },
          links: ["db:database", "cache"],
          volumes_from: ["data:ro", "service:logs", "container:other"],
          network_mode: "service:vpn",
          ipc: "service:shm",
          pid: "host",
        },
        P,
      ),
    ).toEqual({
      db: { condition: "service_healthy", required: true },
      cache: started,
      data: started,
      logs: started,
      vpn: started,
      shm: started,
    });
  });

  it("is undefined when the service depends on nothing", () => {
    expect(normalizeDependsOn({ volumes_from: ["container:x"], network_mode: "host" }, P)).toBeUndefined();
  });

  it("rejects a non-boolean required at its path", () => {
    expect(() => normalizeDependsOn({ depends_on: { db: { required: "sometimes" } } }, P)).toThrowError(
      expect.objectContaining({ path: [...P, "db", "required"] }),
    );
  });
});

describe("implicitReferences", () => {
  it("names each referenced service with where it is written", () => {
    expect(
      implicitReferences({ links: ["a:x"], volumes_from: ["b", "container:c"], network_mode: "service:d" }),
    ).toEqual([
      { service: "a", path: ["links", 0] },
      { service: "b", path: ["volumes_from", 0] },
      { service: "d", path: ["network_mode"] },
    ]);
  });
});
