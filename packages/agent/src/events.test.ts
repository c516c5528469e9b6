import { describe, expect, it } from "vitest";
import type { EngineEvent } from "./events.js";
import { EventLog, matchesFilters } from "./events.js";

const ev = (over: Partial<EngineEvent>): EngineEvent => ({
  type: "container",
  action: "start",
  id: "abc123",
  attributes: { name: "web", "com.example": "x" },
  time: "",
  timeNano: 0,
  ...over,
});

describe("events", () => {
  it("filters as docker events --filter does (same key ORs, different keys AND)", () => {
    expect(matchesFilters(ev({}), ["type=container", "event=start"])).toBe(true);
    expect(matchesFilters(ev({}), ["event=stop", "event=start"])).toBe(true);
    expect(matchesFilters(ev({}), ["type=network"])).toBe(false);
    expect(matchesFilters(ev({}), ["container=web"])).toBe(true);
    expect(matchesFilters(ev({}), ["container=abc"])).toBe(true);
    expect(matchesFilters(ev({ action: "health_status: healthy" }), ["event=health_status"])).toBe(true);
    expect(matchesFilters(ev({}), ["label=com.example=x"])).toBe(true);
    expect(matchesFilters(ev({}), ["label=com.example=y"])).toBe(false);
  });

  it("replays what happened since a time and broadcasts new events", () => {
    const log = new EventLog(2);
    const seen: string[] = [];
    log.on("event", (e: EngineEvent) => seen.push(e.action));
    log.publish("container", "create", "a");
    log.publish("container", "start", "a");
    log.publish("container", "die", "a");
    expect(seen).toEqual(["create", "start", "die"]);
    expect(log.since(0).map((e) => e.action)).toEqual(["start", "die"]);
    expect(log.since(Date.now() + 1000)).toEqual([]);
  });
});
