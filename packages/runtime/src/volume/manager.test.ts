import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VolumeManager } from "./manager.js";

const root = mkdtempSync(join(tmpdir(), "tsc-volume-unit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("VolumeManager.create", () => {
  const vols = new VolumeManager(root);
  const tmpfs = { type: "tmpfs", device: "tmpfs", o: "size=10m" };

  it("uses an existing volume by name whatever its options (a container's -v NAME:/path)", async () => {
    await vols.create("tmpv", { options: tmpfs });
    await expect(vols.create("tmpv")).resolves.toMatchObject({ Name: "tmpv", Options: tmpfs });
    await expect(vols.create("tmpv", { labels: { a: "b" } })).resolves.toMatchObject({ Options: tmpfs });
  });

  it("is idempotent for an explicit create with the same options, a conflict with other ones", async () => {
    await expect(vols.create("tmpv", { options: tmpfs })).resolves.toMatchObject({ Name: "tmpv" });
    await expect(vols.create("tmpv", { options: { type: "tmpfs", device: "tmpfs" } })).rejects.toThrow(
      /volume "tmpv" already exists/,
    );
  });

  it("refuses options the local driver does not know, as Docker's", async () => {
    await expect(vols.create("odd", { options: { foo: "bar" } as never })).rejects.toThrow(
      /^create odd: invalid option key: "foo": the local driver takes type, device and o \(mount's -t, device and -o\)$/,
    );
  });
});
