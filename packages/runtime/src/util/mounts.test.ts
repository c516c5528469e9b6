import { describe, expect, it } from "vitest";
import { mountOf, mountTable } from "./mounts.js";

const info = [
  "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
  "30 22 0:26 / /run/netns rw shared:5 - tmpfs tmpfs rw",
  "31 22 0:27 / /data/with\\040space rw - tmpfs tscd-exec-root rw",
  "32 22 0:28 / /run/netns rw shared:6 - nsfs nsfs rw",
  "",
].join("\n");

describe("mountTable / mountOf", () => {
  it("reads mount points (octal escapes decoded) and their types", () => {
    expect(mountTable(info).map((m) => m.mountPoint)).toEqual([
      "/",
      "/run/netns",
      "/data/with space",
      "/run/netns",
    ]);
  });

  it("finds the mount holding a path: longest mount point, the last mounted of equal ones", () => {
    const t = mountTable(info);
    expect(mountOf("/data/with space/x", t)).toEqual({ mountPoint: "/data/with space", type: "tmpfs" });
    expect(mountOf("/run/netns/tsc-1", t).type).toBe("nsfs");
    expect(mountOf("/run/netnsx", t)).toEqual({ mountPoint: "/", type: "ext4" });
  });
});
