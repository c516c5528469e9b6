import { describe, expect, it } from "vitest";
import { invokePlugin } from "./cni.js";

describe("invokePlugin", () => {
  it("names the package to install when a plugin is missing", async () => {
    const list = { name: "n", plugins: [{ type: "no-such-plugin" }] };
    await expect(
      invokePlugin("ADD", list.plugins[0]!, list, {
        containerId: "c",
        netnsPath: "/var/run/netns/x",
        ifName: "eth0",
      }),
    ).rejects.toMatchObject({
      kind: "Unavailable",
      message: expect.stringContaining("apt-get install containernetworking-plugins"),
    });
  });
});
