import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopedPath } from "./scoped-path.js";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "tsc-scoped-"));
  await mkdir(join(root, "etc"), { recursive: true });
  await mkdir(join(root, "data", "sub"), { recursive: true });
  await writeFile(join(root, "etc", "passwd"), "container's\n");
  await symlink("/etc", join(root, "abs"));
  await symlink("../../..", join(root, "data", "sub", "up"));
  await symlink("data/sub", join(root, "rel"));
  await symlink("loop2", join(root, "loop1"));
  await symlink("loop1", join(root, "loop2"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("scopedPath", () => {
  it("resolves absolute links inside the root, never on the host", async () => {
    expect(await scopedPath(root, "/abs/passwd")).toBe(join(root, "etc", "passwd"));
  });

  it("keeps .. and relative links from climbing out of the root", async () => {
    expect(await scopedPath(root, "/../../etc/passwd")).toBe(join(root, "etc", "passwd"));
    expect(await scopedPath(root, "/data/sub/up/etc/passwd")).toBe(join(root, "etc", "passwd"));
    expect(await scopedPath(root, "/rel/x")).toBe(join(root, "data", "sub", "x"));
  });

  it("leaves the last component (a link is copied as a link) and missing components as they are", async () => {
    expect(await scopedPath(root, "/abs")).toBe(join(root, "abs"));
    expect(await scopedPath(root, "/data/new/file")).toBe(join(root, "data", "new", "file"));
    expect(await scopedPath(root, "/")).toBe(root);
  });

  it("refuses a loop of links", async () => {
    await expect(scopedPath(root, "/loop1/x")).rejects.toThrowError(/too many levels of symbolic links/);
  });
});
