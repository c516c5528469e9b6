/**
 * Puts the examples' image (busybox, built from Debian's busybox-static) into tscd's image store
 * under --data-root (default /var/lib/tsc) unless an image of that name is there: the machine
 * has no registry to pull it from. Writes the store directly, so run it while no tscd is
 * writing images (scripts/setup does, before anything starts a daemon).
 *   pnpm exec tsx scripts/example-image.ts [/var/lib/tsc]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageStore, loadArchive } from "@tsc/runtime";
import { makeBusyboxImageArchive } from "../packages/runtime/test/support/busybox.js";

const dataRoot = process.argv[2] ?? "/var/lib/tsc";
const store = new ImageStore(dataRoot);
try {
  await store.find("busybox");
  process.stdout.write(`busybox is already in ${dataRoot}\n`);
} catch {
  const dir = mkdtempSync(join(tmpdir(), "tsc-example-image-"));
  try {
    makeBusyboxImageArchive(join(dir, "busybox.tar"));
    await loadArchive(store, join(dir, "busybox.tar"));
    process.stdout.write(`loaded busybox:latest into ${dataRoot}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
