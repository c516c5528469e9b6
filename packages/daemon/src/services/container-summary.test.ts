import type { ContainerSummary } from "@tsc/api";
import { describe, expect, it } from "vitest";
import { matchesContainerFilters } from "./container-summary.js";

const s: ContainerSummary = {
  id: "f".repeat(64),
  names: ["/web-1"],
  image: "busybox:latest",
  imageId: "sha256:" + "e".repeat(64),
  command: ["sleep", "1"],
  created: "",
  state: "exited",
  startedAt: "",
  finishedAt: "",
  exitCode: 3,
  health: "",
  ports: [],
  labels: { tier: "front" },
  sizeRw: 0,
  networks: ["app"],
  restartCount: 0,
  sizeRootFs: 0,
};

describe("ps --filter", () => {
  it("matches Docker's keys", () => {
    expect(matchesContainerFilters(s, ["status=exited", "exited=3"])).toBe(true);
    expect(matchesContainerFilters(s, ["name=web"])).toBe(true);
    expect(matchesContainerFilters(s, ["name=db"])).toBe(false);
    expect(matchesContainerFilters(s, ["label=tier=front", "network=app"])).toBe(true);
    expect(matchesContainerFilters(s, ["ancestor=busybox"])).toBe(true);
    expect(matchesContainerFilters(s, ["status=running", "status=exited"])).toBe(true);
    expect(matchesContainerFilters(s, ["id=fff"])).toBe(true);
    expect(matchesContainerFilters(s, ["bogus=1"])).toBe(false);
  });
});
