import { describe, expect, it } from "vitest";
import { container } from "./__fixtures__/stack-view.js";
import { fileServiceNames, orphanContainers, orphanWarning } from "./orphans.js";

describe("orphan containers", () => {
  it("are service containers (not one-offs) of services the file no longer has, enabled or not", () => {
    const file = fileServiceNames({
      name: "p",
      services: { web: { image: "busybox" } },
      disabled_services: { debug: { image: "busybox", profiles: ["dev"] } },
    });
    const found = orphanContainers(
      [
        container("p-web-1", "web", "running", false),
        container("p-debug-1", "debug", "running", false),
        container("p-old-1", "old", "running", false),
        container("p-old-2", "old", "exited", false),
        container("p-gone-run-1", "gone", "running", true),
      ],
      file,
    );
    expect(found.map((c) => c.names[0])).toEqual(["/p-old-1", "/p-old-2"]);
  });

  it("are named in Compose's warning", () => {
    expect(orphanWarning(["p-old-1", "p-old-2"])).toBe(
      "Found orphan containers ([p-old-1 p-old-2]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
    );
  });
});
