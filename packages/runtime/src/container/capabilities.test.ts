import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { capabilitiesInMask, KNOWN_CAPABILITIES, processBoundingSet } from "./capabilities.js";
import { generateOciSpec } from "./spec.js";
import type { ContainerSpec } from "./types.js";

/** The process capabilities of the OCI spec for `spec`, given the engine's bounding set. */
function processCaps(spec: Partial<ContainerSpec>, boundingSet?: readonly string[]) {
  const oci = generateOciSpec({
    id: "c1",
    spec: { image: "busybox", ...spec },
    image: {},
    user: { uid: 0, gid: 0, additionalGids: [], home: "/root" },
    hostname: "c1",
    files: { rootfs: "/r", hosts: "/h", hostname: "/hn", resolvConf: "/rc" },
    ...(boundingSet ? { boundingSet } : {}),
  }) as { process: { capabilities: Record<string, string[]> } };
  return oci.process.capabilities;
}

describe("capabilities", () => {
  it("reads a /proc status mask (this host lacks CAP_SYS_RESOURCE, bit 24)", () => {
    const caps = capabilitiesInMask("000001fffeffffff");
    expect(caps).toHaveLength(40);
    expect(caps).not.toContain("CAP_SYS_RESOURCE");
    expect(caps).toContain("CAP_SYS_ADMIN");
    expect(caps).toContain("CAP_CHECKPOINT_RESTORE");
    expect(capabilitiesInMask("0000000000000001")).toEqual(["CAP_CHOWN"]);
    expect(capabilitiesInMask("000001ffffffffff")).toEqual(KNOWN_CAPABILITIES);
  });

  it("reads this process's bounding set once", () => {
    expect(processBoundingSet()).toBe(processBoundingSet());
    expect(processBoundingSet()).toContain("CAP_CHOWN");
    const mask = /^CapBnd:\s+([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))![1]!;
    expect(processBoundingSet()).toEqual(capabilitiesInMask(mask));
  });

  it("gives a privileged container the engine's bounding set, no more", () => {
    const bounding = capabilitiesInMask("000001fffeffffff");
    const caps = processCaps({ privileged: true }, bounding);
    expect(caps.bounding).toEqual(bounding);
    expect(caps.effective).toEqual(bounding);
    expect(caps.permitted).toEqual(bounding);
    expect(processCaps({ capAdd: ["ALL"] }, bounding).bounding).toEqual(bounding);
    // Without a given set: every known capability.
    expect(processCaps({ privileged: true }).bounding).toEqual(KNOWN_CAPABILITIES);
  });

  it("keeps Docker's defaults with cap_add and cap_drop", () => {
    const caps = processCaps({ capAdd: ["net_admin"], capDrop: ["CAP_CHOWN"] }).bounding;
    expect(caps).toContain("CAP_NET_ADMIN");
    expect(caps).not.toContain("CAP_CHOWN");
    expect(caps).toContain("CAP_KILL");
  });
});
