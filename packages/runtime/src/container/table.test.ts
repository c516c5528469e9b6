import { isTscError } from "@tsc/core";
import { describe, expect, it } from "vitest";
import type { ContainerStatus, ContainerRecord } from "./types.js";
import { ContainerTable } from "./table.js";

function record(id: string, name: string, status: ContainerStatus, created: string): ContainerRecord {
  return {
    id,
    name,
    spec: { image: "busybox" },
    imageId: "sha256:0",
    imageRef: "busybox",
    imageConfig: {},
    created,
    status,
    pid: 0,
    exitCode: 0,
    restartCount: 0,
    manuallyStopped: false,
    args: ["sh"],
  };
}

/** A table of entries that wrap their record, as the fake runtime keeps them. */
function table(...recs: ContainerRecord[]): ContainerTable<{ rec: ContainerRecord }> {
  const t = new ContainerTable<{ rec: ContainerRecord }>((e) => e.rec);
  for (const rec of recs) t.set(rec.id, { rec });
  return t;
}

/** What `fn` throws (undefined if it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const web = record("abc123", "web", "running", "2026-01-01T00:00:02Z");
const db = record("abd456", "db", "exited", "2026-01-01T00:00:01Z");
const cache = record("f00d00", "cache", "paused", "2026-01-01T00:00:03Z");

describe("ContainerTable", () => {
  it("finds a container by ID, unique ID prefix and name (with or without a leading /)", () => {
    const t = table(web, db);
    expect(t.get("abc123").rec).toBe(web);
    expect(t.get("abd").rec).toBe(db);
    expect(t.get("web").rec).toBe(web);
    expect(t.get("/db").rec).toBe(db);
  });

  it("refuses a prefix that matches several containers, and an unknown one, saying what to do", () => {
    const t = table(web, db);
    expect(() => t.get("ab")).toThrowError(/multiple containers match ID prefix "ab"/);
    const err = thrown(() => t.get("nope"));
    expect(isTscError(err, "NotFound")).toBe(true);
    expect((err as Error).message).toBe("No such container: nope");
    expect(() => t.get("")).toThrowError(/container/);
  });

  it("lists the containers that are up, newest first, and every one with all", () => {
    const t = table(web, db, cache);
    expect(t.list().map((r) => r.name)).toEqual(["cache", "web"]);
    expect(t.list({ all: true }).map((r) => r.name)).toEqual(["cache", "web", "db"]);
  });

  it("checks names: strips the /, refuses invalid and taken ones, allows a container its own", () => {
    const t = table(web);
    expect(t.claimableName("/api")).toBe("api");
    expect(() => t.claimableName("bad name")).toThrowError(/invalid container name "bad name"/);
    const err = thrown(() => t.claimableName("/web"));
    expect(isTscError(err, "AlreadyExists")).toBe(true);
    expect((err as Error).message).toMatch(
      /^container name "\/web" already exists: it is in use by container abc123;/,
    );
    expect(t.claimableName("web", "abc123")).toBe("web");
  });

  it("makes up names no container holds, and forgets deleted containers", () => {
    const t = table(web);
    const names = new Set(Array.from({ length: 50 }, () => t.freeName()));
    expect(names.has("web")).toBe(false);
    for (const n of names) expect(n).toMatch(/^[a-z]+_[a-z]+$/);
    t.delete("abc123");
    expect(t.byExactId("abc123")).toBeUndefined();
    expect(t.claimableName("web")).toBe("web");
  });
});
