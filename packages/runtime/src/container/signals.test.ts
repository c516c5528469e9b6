import { describe, expect, it } from "vitest";
import { parseSignal } from "./signals.js";

describe("parseSignal (Docker's signal spellings)", () => {
  it("takes names with or without SIG in any case, and numbers", () => {
    expect(parseSignal("SIGTERM")).toBe("SIGTERM");
    expect(parseSignal("term")).toBe("SIGTERM");
    expect(parseSignal("Kill")).toBe("SIGKILL");
    expect(parseSignal("9")).toBe("SIGKILL");
    expect(parseSignal("sighup")).toBe("SIGHUP");
  });

  it("refuses what is no signal, naming it", () => {
    expect(() => parseSignal("BOGUS")).toThrow(/^invalid signal: BOGUS: /);
    expect(() => parseSignal("999")).toThrow(/invalid signal: 999/);
    expect(() => parseSignal("")).toThrow(/invalid signal/);
  });
});
