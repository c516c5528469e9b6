/** The ContainerRuntime conformance suite against conmon + runc and against the in-memory fake. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerManager, FakeContainerRuntime, ImageStore, loadArchive } from "@tsc/runtime";
import { makeBusyboxImageArchive } from "./support/busybox.js";
import { unmountAllUnder } from "./support/cleanup.js";
import { describeContainerRuntime } from "./support/container-suite.js";

describeContainerRuntime("conmon + runc", async () => {
  const root = mkdtempSync(join(tmpdir(), "tsc-conformance-"));
  const images = new ImageStore(join(root, "data"));
  makeBusyboxImageArchive(join(root, "busybox.tar"));
  await loadArchive(images, join(root, "busybox.tar"));
  const runtime = await ContainerManager.open({
    dataRoot: join(root, "data"),
    runRoot: join(root, "run"),
    images,
  });
  return {
    runtime,
    async teardown() {
      unmountAllUnder(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
});

describeContainerRuntime("in-memory fake", async () => ({
  runtime: new FakeContainerRuntime(),
  teardown: async () => undefined,
}));
