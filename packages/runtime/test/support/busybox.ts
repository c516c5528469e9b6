/**
 * Test images from Debian's busybox-static: a rootfs with /bin/busybox and one link per applet at
 * the path busybox lists for it, /etc/passwd and /etc/group, and the usual empty directories.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";

const BUSYBOX = "/bin/busybox";

/** Builds a busybox rootfs in `dir` (which must exist and be empty). */
export function makeBusyboxRootfs(dir: string): void {
  for (const d of [
    "bin",
    "sbin",
    "usr/bin",
    "usr/sbin",
    "etc",
    "tmp",
    "proc",
    "sys",
    "dev",
    "root",
    "home",
    "var/www",
  ])
    mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(BUSYBOX, join(dir, "bin/busybox"));
  execFileSync("chmod", ["1777", join(dir, "tmp")]);
  const applets = execFileSync(BUSYBOX, ["--list-full"], { encoding: "utf8" }).trim().split("\n");
  for (const path of applets) {
    if (path === "bin/busybox" || path === "") continue;
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    try {
      symlinkSync(relative(dirname(target), join(dir, "bin/busybox")), target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
  }
  writeFileSync(
    join(dir, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n",
  );
  writeFileSync(join(dir, "etc/group"), "root:x:0:\nnogroup:x:65534:\napp:x:1000:\nextra:x:2000:app\n");
}

/** A tar of `dir`'s content (uncompressed, numeric owners), written to `file`. */
export function tarDirectory(dir: string, file: string): void {
  execFileSync("tar", ["-c", "-f", file, "--numeric-owner", "-C", dir, "."]);
}

/**
 * Writes a docker-save archive (manifest.json, config, one layer tar) of a busybox image tagged
 * `tag` to `file`. `docker load` and `tscctl load` accept it.
 */
export function makeBusyboxImageArchive(file: string, tag = "busybox:latest"): void {
  const work = mkdtempSync(join(tmpdir(), "tsc-busybox-image-"));
  try {
    const rootfs = join(work, "rootfs");
    mkdirSync(rootfs);
    makeBusyboxRootfs(rootfs);
    const out = join(work, "out");
    mkdirSync(out);
    tarDirectory(rootfs, join(out, "layer.tar"));
    const diffId = `sha256:${createHash("sha256")
      .update(readFileSync(join(out, "layer.tar")))
      .digest("hex")}`;
    const config = {
      created: "2026-01-01T00:00:00Z",
      architecture: "amd64",
      os: "linux",
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] },
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created: "2026-01-01T00:00:00Z", created_by: "tsc test image from Debian busybox-static" }],
    };
    const configJson = JSON.stringify(config);
    const configName = `${createHash("sha256").update(configJson).digest("hex")}.json`;
    writeFileSync(join(out, configName), configJson);
    writeFileSync(
      join(out, "manifest.json"),
      JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ["layer.tar"] }]),
    );
    execFileSync("tar", ["-c", "-f", file, "-C", out, "."]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
