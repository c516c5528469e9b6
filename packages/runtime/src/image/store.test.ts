import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ImageStore } from "./store.js";

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

describe("image store repo digests", () => {
  let dir = "";
  let store: ImageStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsc-store-unit-"));
    store = new ImageStore(dir);
    writeFileSync(join(dir, "layer.tar"), "not really a tar");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("records the manifest digest per repository and finds the image by it", async () => {
    const id = await store.import(join(dir, "layer.tar"), { ref: "localhost:5000/app:1" });
    expect((await store.inspect(id)).RepoDigests).toEqual([]);
    const { record } = await store.find(id);
    await store.register(record.manifest, ["busybox:latest"], `docker.io/library/busybox@${DIGEST_A}`);
    expect(await store.repoDigest("busybox")).toBe(DIGEST_A);
    expect(await store.repoDigest("localhost:5000/app:1")).toBeUndefined();
    expect((await store.find(`busybox@${DIGEST_A}`)).id).toBe(id);

    await store.addRepoDigest("localhost:5000/app:1", DIGEST_B);
    await store.addRepoDigest("busybox:latest", DIGEST_B);
    expect((await store.inspect(id)).RepoDigests).toEqual([
      `localhost:5000/app@${DIGEST_B}`,
      `busybox@${DIGEST_B}`,
    ]);
    expect((await store.list())[0]!.RepoDigests).toHaveLength(2);
  });
});
