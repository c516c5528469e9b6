import { describe, expect, it } from "vitest";
import { containerCounts } from "./system.js";

describe("info's container counts", () => {
  it("counts restarting as running (moby keeps Running set while restarting), the rest as stopped", () => {
    expect(containerCounts(["running", "restarting", "paused", "exited", "created", "dead"])).toEqual({
      Containers: 6,
      ContainersRunning: 2,
      ContainersPaused: 1,
      ContainersStopped: 3,
    });
  });
});
