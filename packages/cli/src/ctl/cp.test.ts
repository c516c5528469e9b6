import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { containerPath, copyOutPlan } from "./cp.js";

describe("containerPath", () => {
  it("tells CONTAINER:PATH from host paths", () => {
    expect(containerPath("web:/etc/hosts")).toEqual({ container: "web", path: "/etc/hosts" });
    expect(containerPath("web:")).toEqual({ container: "web", path: "/" });
    expect(containerPath("./a:b")).toBeUndefined();
    expect(containerPath("/tmp/x")).toBeUndefined();
  });
});

describe("copyOutPlan (docker cp's rules out of a container)", () => {
  it("puts a file into an existing directory, or saves it as DEST", () => {
    expect(copyOutPlan("/etc/hosts", false, "/out", "dir")).toEqual({ dir: "/out", strip: false });
    expect(copyOutPlan("/etc/hosts", false, "/out/h.txt", "none")).toEqual({
      dir: "/out",
      strip: false,
      renameTo: "/out/h.txt",
    });
    expect(copyOutPlan("/etc/hosts", false, "/out/h.txt", "file").renameTo).toBe("/out/h.txt");
    expect(() => copyOutPlan("/etc/hosts", false, "/out/new/", "none")).toThrowError(/does not exist/);
  });

  it("copies a directory into an existing one, its contents with /., or as a new directory", () => {
    expect(copyOutPlan("/tmp/d1", true, "/out", "dir")).toEqual({ dir: "/out", strip: false });
    expect(copyOutPlan("/tmp/d1/.", true, "/out", "dir")).toEqual({ dir: "/out", strip: true });
    expect(copyOutPlan("/tmp/d1/.", true, "/out/d2", "none")).toEqual({
      dir: "/out/d2",
      strip: true,
      mkdir: true,
    });
    expect(copyOutPlan("/tmp/d1", true, "rel", "none").dir).toBe(resolve("rel"));
    expect(() => copyOutPlan("/tmp/d1", true, "/out/f", "file")).toThrowError(
      /cannot copy a directory to a file/,
    );
  });
});
