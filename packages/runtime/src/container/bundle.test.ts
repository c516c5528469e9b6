import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bundleLayout, writeBundleFiles, writeHostsAddress } from "./bundle.js";

let root = "";
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the container's /etc/hosts", () => {
  it("names the container with its network address once it has one, in place (the file is bind-mounted)", async () => {
    root = mkdtempSync(join(tmpdir(), "tsc-bundle-"));
    const b = bundleLayout(root, "c1");
    await writeBundleFiles(b, { hostname: "web", domainname: "example.org", extraHosts: ["db:10.0.0.9"] });
    expect(readFileSync(b.hosts, "utf8")).toContain("127.0.1.1\tweb.example.org web\n");
    const inode = statSync(b.hosts).ino;
    await writeHostsAddress(b, "10.222.0.5");
    const hosts = readFileSync(b.hosts, "utf8");
    expect(hosts.split("\n")).toEqual([
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "10.222.0.5\tweb.example.org web",
      "10.0.0.9\tdb",
      "",
    ]);
    expect(statSync(b.hosts).ino).toBe(inode);
  });
});
