import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { mountFs, unmountFs } from "../util/syscalls.js";
import { readText, writeFileAtomic } from "../util/fs.js";
import type { BundleFiles } from "./spec.js";
import { mountTable } from "../util/mounts.js";

/** The files of one container under `<dataRoot>/containers/<id>/`. */
export interface BundleLayout extends BundleFiles {
  dir: string;
  upper: string;
  work: string;
  configJson: string;
  record: string;
  log: string;
}

/** The bundle layout of container `id`. */
export function bundleLayout(dataRoot: string, id: string): BundleLayout {
  const dir = join(dataRoot, "containers", id);
  return {
    dir,
    rootfs: join(dir, "rootfs"),
    upper: join(dir, "upper"),
    work: join(dir, "work"),
    configJson: join(dir, "config.json"),
    record: join(dir, "container.json"),
    log: join(dir, "container.log"),
    hosts: join(dir, "hosts"),
    hostname: join(dir, "hostname"),
    resolvConf: join(dir, "resolv.conf"),
  };
}

/** Creates the bundle directories and the /etc files the container sees. */
export async function writeBundleFiles(
  b: BundleLayout,
  opts: { hostname: string; domainname?: string; extraHosts?: string[]; dns?: string[] },
): Promise<void> {
  for (const d of [b.rootfs, b.upper, b.work]) mkdirSync(d, { recursive: true });
  const fqdn = opts.domainname ? `${opts.hostname}.${opts.domainname} ` : "";
  const extra = (opts.extraHosts ?? []).map((h) => {
    const [host, ip] = h.includes("=")
      ? h.split("=")
      : [h.slice(0, h.indexOf(":")), h.slice(h.indexOf(":") + 1)];
    return `${ip}\t${host}`;
  });
  const hosts = [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    `${NO_ADDRESS_YET}\t${fqdn}${opts.hostname}`,
    ...extra,
    "",
  ];
  writeFileSync(b.hosts, hosts.join("\n"));
  writeFileSync(b.hostname, `${opts.hostname}\n`);
  writeFileSync(b.resolvConf, resolvConf(opts.dns));
}

/** The address the container's /etc/hosts gives its own name until it has one on a network. */
const NO_ADDRESS_YET = "127.0.1.1";

/**
 * Gives the container's own name its network address in its /etc/hosts, as Docker's does (so
 * `hostname -i` and programs that advertise their address find it). Written in place: the file is
 * bind-mounted into a container that may already exist.
 */
export async function writeHostsAddress(b: BundleLayout, ip: string): Promise<void> {
  const text = readText(b.hosts);
  const lines = text.split("\n");
  const own = lines.findIndex((l) => l.startsWith(`${NO_ADDRESS_YET}\t`));
  if (own < 0) return;
  lines[own] = `${ip}${lines[own]!.slice(NO_ADDRESS_YET.length)}`;
  writeFileSync(b.hosts, lines.join("\n"));
}

/** resolv.conf: the given servers, or the host's without loopback servers (they mean nothing inside). */
function resolvConf(dns: string[] | undefined): string {
  if (dns && dns.length > 0) return dns.map((s) => `nameserver ${s}\n`).join("");
  let host = "";
  try {
    host = readText("/etc/resolv.conf");
  } catch {
    // no resolv.conf on the host: the container gets none of its servers
  }
  const lines = host.split("\n").filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l));
  return `${lines.join("\n").trim()}\n`;
}

/** Writes config.json atomically. */
export async function writeOciConfig(b: BundleLayout, spec: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(b.configJson, JSON.stringify(spec, null, 2));
}

/** True when something is mounted at `path`. */
export async function isMounted(path: string): Promise<boolean> {
  const table = mountTable();
  return table.some((m) => m.mountPoint === path);
}

/**
 * True when the overlay is mounted on the bundle's rootfs: an overlay mount has a device of its
 * own, so two stats tell (reading /proc/self/mountinfo costs ~1 ms, and more with every container).
 */
function rootfsMounted(b: BundleLayout): boolean {
  try {
    return statSync(b.rootfs).dev !== statSync(b.dir).dev;
  } catch {
    return false;
  }
}

/** Mounts the overlay rootfs (image layers, lowest first, under the container's upper dir). */
export async function mountRootfs(b: BundleLayout, layerDirs: string[]): Promise<void> {
  if (rootfsMounted(b)) return;
  const lower = [...layerDirs].reverse().join(":");
  await mountFs("overlay", b.rootfs, "overlay", `lowerdir=${lower},upperdir=${b.upper},workdir=${b.work}`);
}

/** Unmounts the rootfs if mounted. */
export async function unmountRootfs(b: BundleLayout): Promise<void> {
  if (rootfsMounted(b)) await unmountFs(b.rootfs);
}

/** Removes the whole bundle (after unmounting). */
export async function removeBundle(b: BundleLayout): Promise<void> {
  await unmountRootfs(b);
  if (existsSync(b.dir)) await rm(b.dir, { recursive: true, force: true });
}
