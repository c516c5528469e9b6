import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { alreadyExists, failedPrecondition, notFound } from "@tsc/core";
import { run } from "../util/exec.js";
import { readJson, writeFileAtomic } from "../util/fs.js";
import type { CniRuntime, NetworkConfList } from "./cni.js";
import { addNetwork, delNetwork } from "./cni.js";
import { LocalIpam } from "./ipam.js";
import { parseCidr } from "./ipv4.js";
import { addNetns, deleteNetns, netnsPath } from "./netns.js";
import type { PortMapping } from "./ports.js";
import { reservePorts } from "./ports.js";
import { ensureBridgeRules, removeBridgeRules } from "./host-rules.js";

/** A network, as stored and as `network inspect` shows it. */
export interface NetworkRecord {
  id: string;
  name: string;
  driver: "bridge";
  subnet: string;
  gateway: string;
  internal: boolean;
  labels: Record<string, string>;
  created: string;
  /** The Linux bridge device. */
  bridge: string;
}

/** One container's attachment to one network. */
export interface NetworkAttachment {
  network: string;
  networkId: string;
  ipAddress: string;
  prefixLen: number;
  gateway: string;
  macAddress: string;
  ifName: string;
  aliases: string[];
  ports: PortMapping[];
}

interface SandboxFile {
  containerId: string;
  netns: string;
  attachments: (NetworkAttachment & {
    conf: NetworkConfList;
    result: unknown;
    /** The ports as asked for (host port 0: any), to publish again after a release. */
    requestedPorts?: PortMapping[];
    /** The container stopped: its host ports are free (`ports` shows the last ones it had). */
    portsReleased?: boolean;
  })[];
}

/**
 * Bridge networks through the CNI plugins (bridge with static addresses from our own IPAM, portmap
 * for published ports, firewall so forwarding works even where FORWARD drops), and per-container
 * sandboxes (a named netns). Every attachment's CNI config and result are kept on disk, so teardown
 * works after a crash or from a new process.
 */
export class NetworkManager {
  readonly ipam: LocalIpam;
  private readonly dir: string;

  constructor(dataRoot: string, opts: { pool?: string } = {}) {
    this.dir = join(dataRoot, "networks");
    this.ipam = new LocalIpam(join(this.dir, "ipam.json"), opts.pool, 24, hostRoutes);
  }

  /** `network create`. */
  async create(
    name: string,
    opts: { subnet?: string; gateway?: string; internal?: boolean; labels?: Record<string, string> } = {},
  ): Promise<NetworkRecord> {
    if ((await this.list()).some((n) => n.name === name)) throw alreadyExists("network", name);
    const id = randomBytes(32).toString("hex");
    const lease = await this.ipam.allocateSubnet(id, { subnet: opts.subnet, gateway: opts.gateway });
    const rec: NetworkRecord = {
      id,
      name,
      driver: "bridge",
      subnet: lease.subnet,
      gateway: lease.gateway,
      internal: opts.internal ?? false,
      labels: opts.labels ?? {},
      created: new Date().toISOString(),
      bridge: `tsc-${id.slice(0, 8)}`,
    };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(join(this.dir, `${id}.json`), JSON.stringify(rec, null, 2));
    return rec;
  }

  /** Every network. */
  async list(): Promise<NetworkRecord[]> {
    if (!existsSync(this.dir)) return [];
    const files = readdirSync(this.dir).filter((f) => /^[a-f0-9]{64}\.json$/.test(f));
    return files.map((f) => readJson<NetworkRecord>(join(this.dir, f)));
  }

  /** A network by name, ID or ID prefix. */
  async get(ref: string): Promise<NetworkRecord> {
    const all = await this.list();
    const hit =
      all.find((n) => n.name === ref || n.id === ref) ??
      all.find((n) => ref.length >= 6 && n.id.startsWith(ref));
    if (!hit) throw notFound("network", ref);
    return hit;
  }

  /** `network rm`: refused while containers are attached; deletes the bridge and frees the subnet. */
  async remove(ref: string): Promise<void> {
    const net = await this.get(ref);
    const users = (await this.sandboxes()).filter((s) => s.attachments.some((a) => a.networkId === net.id));
    if (users.length > 0)
      throw failedPrecondition(`error while removing network: network ${net.name} has active endpoints`, {
        hint: "remove or disconnect the containers attached to it first",
      });
    await run("ip", ["link", "delete", net.bridge], { allowFailure: true });
    await removeBridgeRules(net);
    await this.ipam.releaseSubnet(net.id);
    await rm(join(this.dir, `${net.id}.json`), { force: true });
  }

  /** The path `createSandbox` gives the container's network namespace (known before it exists). */
  sandboxPath(containerId: string): string {
    return netnsPath(sandboxName(containerId));
  }

  /** Creates the container's network namespace, its loopback up; returns its path for the OCI spec. */
  async createSandbox(containerId: string): Promise<{ netnsPath: string }> {
    const name = sandboxName(containerId);
    // Recorded before the netns exists, so a crash in between leaves a file that cleanup finds.
    if (!existsSync(this.sandboxFile(containerId)))
      await this.saveSandbox({ containerId, netns: name, attachments: [] });
    return { netnsPath: await addNetns(name) };
  }

  /** Attaches a container's sandbox to a network (eth0, eth1 … in order), publishing `ports`. */
  async connect(
    containerId: string,
    network: string,
    opts: { aliases?: string[]; ipv4Address?: string; ports?: PortMapping[] } = {},
  ): Promise<NetworkAttachment> {
    const net = await this.get(network);
    const sb = await this.loadSandbox(containerId);
    if (sb.attachments.some((a) => a.networkId === net.id))
      throw alreadyExists(`endpoint of sandbox ${containerId.slice(0, 12)} on network`, net.name);
    // Only a container that publishes ports needs to know which host ports others hold.
    const inUse = opts.ports?.length ? await this.heldPorts() : new Set<string>();
    const ports = await reservePorts(opts.ports ?? [], inUse);
    const addr = await this.ipam.allocateAddress(net.id, containerId, opts.ipv4Address);
    const ifName = `eth${nextIndex(sb.attachments.map((a) => a.ifName))}`;
    const conf = chainFor(net, `${addr.ip}/${addr.prefixLen}`, ports.length > 0);
    const rt = {
      containerId,
      netnsPath: netnsPath(sb.netns),
      ifName,
      runtimeConfig: { portMappings: ports.map(toCni) },
    };
    let result: unknown;
    try {
      await enableForwarding();
      await ensureBridgeRules(net);
      result = await addNetwork(conf, rt);
    } catch (e) {
      await this.ipam.releaseAddress(net.id, containerId);
      throw e;
    }
    const mac =
      ((result as { interfaces?: { name: string; mac: string; sandbox?: string }[] }).interfaces ?? []).find(
        (i) => i.sandbox,
      )?.mac ?? "";
    const att: NetworkAttachment = {
      network: net.name,
      networkId: net.id,
      ipAddress: addr.ip,
      prefixLen: addr.prefixLen,
      gateway: addr.gateway,
      macAddress: mac,
      ifName,
      aliases: opts.aliases ?? [],
      ports,
    };
    sb.attachments.push({ ...att, conf, result, requestedPorts: opts.ports ?? [] });
    await this.saveSandbox(sb);
    if (ports.length > 0) await setSysctl(`net/ipv4/conf/${net.bridge}/route_localnet`, "1");
    return att;
  }

  /**
   * Frees the host ports a stopped container published (its portmap rules go; its addresses stay),
   * as Docker does when a container stops. Nothing for a container without a sandbox or ports.
   */
  async releasePorts(containerId: string): Promise<void> {
    const sb = await this.loadSandbox(containerId).catch(() => undefined);
    const held = sb?.attachments.filter((a) => a.ports.length > 0 && !a.portsReleased) ?? [];
    if (!sb || held.length === 0) return;
    for (const att of held) {
      await delNetwork(portmapOnly(att.conf), portRuntime(sb, att, att.ports), att.result);
      att.portsReleased = true;
    }
    await this.saveSandbox(sb);
  }

  /**
   * Publishes a starting container's ports again after releasePorts (random host ports are picked
   * anew); fails with Docker's "port is already allocated" when another container took one.
   * Returns the attachments' ports, changed or not (undefined without a sandbox).
   */
  async holdPorts(containerId: string): Promise<NetworkAttachment[] | undefined> {
    const sb = await this.loadSandbox(containerId).catch(() => undefined);
    if (!sb) return undefined;
    const released = sb.attachments.filter((a) => a.portsReleased);
    if (released.length > 0) {
      const inUse = await this.heldPorts();
      for (const att of released) {
        const ports = await reservePorts(att.requestedPorts ?? att.ports, inUse);
        await addNetwork(portmapOnly(att.conf), portRuntime(sb, att, ports), att.result);
        for (const p of ports) inUse.add(`${p.protocol}/${p.hostPort}`);
        att.ports = ports;
        att.portsReleased = false;
        // Saved per attachment: if a later one fails, this one's rules exist and must be known.
        await this.saveSandbox(sb);
      }
    }
    return sb.attachments.map(publicAttachment);
  }

  /** `protocol/port` of every host port a sandbox publishes now. */
  private async heldPorts(): Promise<Set<string>> {
    return new Set(
      (await this.sandboxes()).flatMap((s) =>
        s.attachments.flatMap((a) =>
          a.portsReleased ? [] : a.ports.map((p) => `${p.protocol}/${p.hostPort}`),
        ),
      ),
    );
  }

  /** Detaches a container from one network (CNI DEL, address freed). */
  async disconnect(containerId: string, network: string): Promise<void> {
    const net = await this.get(network);
    const sb = await this.loadSandbox(containerId);
    const att = sb.attachments.find((a) => a.networkId === net.id);
    if (!att) throw notFound(`endpoint of sandbox ${containerId.slice(0, 12)} on network`, net.name);
    await detach(sb, att);
    await this.ipam.releaseAddress(net.id, containerId);
    sb.attachments = sb.attachments.filter((a) => a !== att);
    await this.saveSandbox(sb);
  }

  /** The container's attachments. */
  async attachments(containerId: string): Promise<NetworkAttachment[]> {
    if (!existsSync(this.sandboxFile(containerId))) return [];
    return (await this.loadSandbox(containerId)).attachments.map(({ conf: _c, result: _r, ...a }) => a);
  }

  /** Tears everything down for a container: every attachment (reverse order), its addresses, the netns. Idempotent. */
  async removeSandbox(containerId: string): Promise<void> {
    if (existsSync(this.sandboxFile(containerId))) {
      const sb = await this.loadSandbox(containerId);
      for (const att of [...sb.attachments].reverse()) {
        await detach(sb, att).catch(() => undefined);
        await this.ipam.releaseAddress(att.networkId, containerId);
      }
      await rm(this.sandboxFile(containerId), { force: true });
    }
    await deleteNetns(sandboxName(containerId));
  }

  private sandboxFile(containerId: string): string {
    return join(this.dir, "sandboxes", `${containerId}.json`);
  }

  private async loadSandbox(containerId: string): Promise<SandboxFile> {
    try {
      return readJson<SandboxFile>(this.sandboxFile(containerId));
    } catch {
      throw notFound("network sandbox", containerId.slice(0, 12), {
        hint: "create the sandbox first",
      });
    }
  }

  private async saveSandbox(sb: SandboxFile): Promise<void> {
    await mkdir(join(this.dir, "sandboxes"), { recursive: true });
    await writeFileAtomic(this.sandboxFile(sb.containerId), JSON.stringify(sb, null, 2));
  }

  /** Every sandbox (keyed by the ID it was created for) with its attachments. */
  async listSandboxes(): Promise<{ containerId: string; attachments: NetworkAttachment[] }[]> {
    return (await this.sandboxes()).map((s) => ({
      containerId: s.containerId,
      attachments: s.attachments.map(publicAttachment),
    }));
  }

  private async sandboxes(): Promise<SandboxFile[]> {
    const dir = join(this.dir, "sandboxes");
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => readJson<SandboxFile>(join(dir, f)));
  }
}

/** An attachment as callers see it, without what only the sandbox file keeps. */
function publicAttachment(a: SandboxFile["attachments"][number]): NetworkAttachment {
  const { conf: _c, result: _r, requestedPorts: _q, portsReleased: _p, ...rest } = a;
  return rest;
}

/** The CNI arguments of one attachment, publishing `ports`. */
function portRuntime(
  sb: SandboxFile,
  att: SandboxFile["attachments"][number],
  ports: PortMapping[],
): CniRuntime {
  return {
    containerId: sb.containerId,
    netnsPath: netnsPath(sb.netns),
    ifName: att.ifName,
    runtimeConfig: { portMappings: ports.map(toCni) },
  };
}

/** An attachment's chain cut down to its portmap plugin (to publish or unpublish ports alone). */
function portmapOnly(conf: NetworkConfList): NetworkConfList {
  return { ...conf, plugins: conf.plugins.filter((p) => p.type === "portmap") };
}

/** CNI DEL of one saved attachment, with the same arguments its ADD had. */
function detach(sb: SandboxFile, att: SandboxFile["attachments"][number]): Promise<void> {
  // Ports already released have no portmap rules left to delete.
  return delNetwork(att.conf, portRuntime(sb, att, att.portsReleased ? [] : att.ports), att.result);
}

/** The netns name of a container: `tsc-<first 12 of its ID>`. */
export function sandboxName(containerId: string): string {
  return `tsc-${containerId.slice(0, 12)}`;
}

function nextIndex(names: string[]): number {
  for (let i = 0; ; i++) if (!names.includes(`eth${i}`)) return i;
}

function toCni(p: PortMapping): Record<string, unknown> {
  return {
    hostPort: p.hostPort,
    containerPort: p.containerPort,
    protocol: p.protocol,
    ...(p.hostIp && p.hostIp !== "0.0.0.0" ? { hostIP: p.hostIp } : {}),
  };
}

/** The CNI chain of a bridge network for one address. */
/**
 * The CNI chain of one attachment: bridge, and portmap when it publishes ports. Forwarding and
 * masquerading are per network (host-rules.ts), not per container.
 */
function chainFor(net: NetworkRecord, address: string, publishes: boolean): NetworkConfList {
  return {
    name: net.name,
    plugins: [
      {
        type: "bridge",
        bridge: net.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "static",
          addresses: [{ address, gateway: net.gateway }],
          routes: net.internal ? [] : [{ dst: "0.0.0.0/0" }],
        },
      },
      ...(publishes ? [{ type: "portmap", capabilities: { portMappings: true }, snat: true }] : []),
    ],
  };
}

let forwarding: Promise<unknown> | undefined;

/** Turns on IPv4 forwarding (once per process). */
function enableForwarding(): Promise<unknown> {
  forwarding ??= setSysctl("net/ipv4/ip_forward", "1");
  return forwarding;
}

/** Sets a kernel parameter (`net/ipv4/ip_forward`) as `sysctl -w` does, without a process; best effort. */
async function setSysctl(path: string, value: string): Promise<void> {
  await writeFile(`/proc/sys/${path}`, value).catch(() => undefined);
}

async function hostRoutes() {
  const r = await run("ip", ["-j", "-4", "route"], { allowFailure: true });
  if (r.code !== 0) return [];
  const routes = JSON.parse(r.stdout || "[]") as { dst: string; dev?: string }[];
  return routes
    .filter((x) => x.dst !== "default" && !x.dev?.startsWith("tsc-"))
    .map((x) => (x.dst.includes("/") ? x.dst : `${x.dst}/32`))
    .filter((d) => Number(d.split("/")[1]) >= 8 && Number(d.split("/")[1]) <= 30)
    .map((d) => parseCidr(d));
}
