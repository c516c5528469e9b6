/**
 * Bridge networks with the real CNI plugins: containers' sandboxes talking by IP, published ports
 * reached from the host, a taken port refused with nothing left behind, teardown from a new process.
 * Uses its own data root, a test-only subnet and random IDs; afterAll removes every netns, bridge
 * and CNI rule it made.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerManager, ImageStore, loadArchive, NetworkManager, sandboxName } from "@tsc/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBusyboxImageArchive } from "./support/busybox.js";

let root = "";
let nets: NetworkManager;
const containers: string[] = [];
const procs: ChildProcess[] = [];
const netName = `t${randomBytes(3).toString("hex")}`;
const subnet = `10.213.${randomInt(1, 250)}.0/24`;
const newId = () => {
  const id = randomBytes(32).toString("hex");
  containers.push(id);
  return id;
};
const inNetns = (id: string, ...args: string[]) =>
  execFileSync("ip", ["netns", "exec", sandboxName(id), "/bin/busybox", ...args], {
    encoding: "utf8",
    timeout: 10_000,
  });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "tsc-network-test-"));
  nets = new NetworkManager(join(root, "data"));
});

afterAll(async () => {
  for (const p of procs) p.kill("SIGKILL");
  const m = new NetworkManager(join(root, "data"));
  for (const id of containers) await m.removeSandbox(id).catch(() => undefined);
  for (const n of await m.list()) await m.remove(n.id).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe("bridge networks through CNI", () => {
  it("connects two sandboxes that reach each other by IP", async () => {
    const net = await nets.create(netName, { subnet });
    expect(net).toMatchObject({ name: netName, subnet, gateway: subnet.replace(/0\/24$/, "1") });
    const [a, b] = [newId(), newId()];
    for (const id of [a, b]) await nets.createSandbox(id);
    const ea = await nets.connect(a, netName, { aliases: ["alpha"] });
    const eb = await nets.connect(b, netName);
    expect([ea.ifName, ea.ipAddress, eb.ipAddress]).toEqual([
      "eth0",
      subnet.replace(/0\/24$/, "2"),
      subnet.replace(/0\/24$/, "3"),
    ]);
    expect(ea.macAddress).toMatch(/^[0-9a-f:]{17}$/);
    // Each sandbox's loopback is up (the container's localhost works).
    for (const id of [a, b])
      expect(inNetns(id, "ping", "-c", "1", "-W", "2", "127.0.0.1")).toContain("1 packets received");
    expect(inNetns(a, "ping", "-c", "1", "-W", "2", eb.ipAddress)).toContain("1 packets received");
    await expect(nets.remove(netName)).rejects.toThrowError(/has active endpoints/);
  });

  it("publishes a port that answers from the host", async () => {
    const id = newId();
    await nets.createSandbox(id);
    const att = await nets.connect(id, netName, { ports: [{ containerPort: 8080, protocol: "tcp" }] });
    const hostPort = att.ports[0]!.hostPort!;
    expect(hostPort).toBeGreaterThan(0);
    const www = join(root, "www");
    mkdirSync(www, { recursive: true });
    writeFileSync(join(www, "index.html"), "hello from the container\n");
    const httpd = spawn(
      "ip",
      ["netns", "exec", sandboxName(id), "/bin/busybox", "httpd", "-f", "-p", "8080", "-h", www],
      { stdio: "ignore" },
    );
    procs.push(httpd);
    const get = async (host: string, port = hostPort) =>
      (await fetch(`http://${host}:${port}/`, { signal: AbortSignal.timeout(3000) })).text();
    // The container itself on its port, then the published port on the host's addresses.
    await expect
      .poll(() => get(att.ipAddress, 8080).catch(() => ""), { timeout: 5000 })
      .toBe("hello from the container\n");
    expect(await get("127.0.0.1")).toBe("hello from the container\n");
    expect(await get(att.gateway)).toBe("hello from the container\n");
    // From another container on the same network, through the published port (hairpin NAT).
    const other = newId();
    await nets.createSandbox(other);
    await nets.connect(other, netName);
    expect(inNetns(other, "wget", "-q", "-O", "-", `http://${att.gateway}:${hostPort}/`)).toBe(
      "hello from the container\n",
    );
  });

  it("refuses a host port that is taken, leaving no endpoint or address behind", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "0.0.0.0", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const id = newId();
      await nets.createSandbox(id);
      const before = await nets.ipam.addresses((await nets.get(netName)).id);
      await expect(
        nets.connect(id, netName, { ports: [{ hostPort: port, containerPort: 80, protocol: "tcp" }] }),
      ).rejects.toThrowError(new RegExp(`Bind for 0.0.0.0:${port} failed: port is already allocated`));
      expect(await nets.attachments(id)).toEqual([]);
      expect(await nets.ipam.addresses((await nets.get(netName)).id)).toEqual(before);
    } finally {
      blocker.close();
    }
  });

  it("gives a running container its address through the sandbox's netns", async () => {
    const images = new ImageStore(join(root, "data"));
    makeBusyboxImageArchive(join(root, "busybox.tar"));
    await loadArchive(images, join(root, "busybox.tar"));
    const cm = await ContainerManager.open({
      dataRoot: join(root, "data"),
      runRoot: join(root, "run"),
      images,
    });
    try {
      const probe = await cm.create({ image: "busybox", cmd: ["sh", "-c", "ip -4 -o addr show eth0"] });
      containers.push(probe.id);
      const { netnsPath } = await nets.createSandbox(probe.id);
      const att = await nets.connect(probe.id, netName);
      // The spec's network mode points at the sandbox (the daemon does this wiring).
      await cm.remove(probe.id);
      const c = await cm.create({
        image: "busybox",
        cmd: ["sh", "-c", "ip -4 -o addr show eth0"],
        network: { type: "netns", path: netnsPath },
      });
      await cm.start(c.id);
      await cm.wait(c.id);
      const lines: string[] = [];
      for await (const e of cm.logs(c.id)) lines.push(e.line);
      expect(lines.join("\n")).toContain(`${att.ipAddress}/24`);
      await cm.remove(c.id);
    } finally {
      cm.close();
    }
  });

  it("connects a sandbox to a second network as eth1 and disconnects it again", async () => {
    const second = `${netName}b`;
    await nets.create(second, {
      subnet: subnet.replace(/\.0\/24$/, ".0/24").replace(/^10\.213\./, "10.214."),
    });
    const id = newId();
    await nets.createSandbox(id);
    await nets.connect(id, netName);
    const eth1 = await nets.connect(id, second, { aliases: ["db"] });
    expect(eth1).toMatchObject({ ifName: "eth1", network: second, aliases: ["db"] });
    expect(inNetns(id, "ip", "-4", "-o", "addr", "show", "eth1")).toContain(eth1.ipAddress);
    await nets.disconnect(id, second);
    expect((await nets.attachments(id)).map((a) => a.ifName)).toEqual(["eth0"]);
    expect(() => inNetns(id, "ip", "link", "show", "eth1")).toThrow();
    await nets.remove(second);
  });

  it("publishes a UDP port", async () => {
    const id = newId();
    await nets.createSandbox(id);
    const att = await nets.connect(id, netName, { ports: [{ containerPort: 9999, protocol: "udp" }] });
    const out = join(root, "udp.out");
    // busybox nc has no UDP mode: a tiny node listener inside the sandbox writes what it receives.
    const udpServer = `require("dgram").createSocket("udp4").on("message", (m) => require("fs").appendFileSync(${JSON.stringify(out)}, m)).bind(9999)`;
    const listener = spawn("ip", ["netns", "exec", sandboxName(id), process.execPath, "-e", udpServer], {
      stdio: "ignore",
    });
    procs.push(listener);
    const { createSocket } = await import("node:dgram");
    const sock = createSocket("udp4");
    try {
      await expect
        .poll(
          async () => {
            await new Promise<void>((r) =>
              sock.send("ping-udp\n", att.ports[0]!.hostPort!, att.gateway, () => r()),
            );
            return existsSync(out) ? (await import("node:fs")).readFileSync(out, "utf8") : "";
          },
          { timeout: 5000, interval: 200 },
        )
        .toContain("ping-udp");
    } finally {
      sock.close();
    }
  });

  it("tears a sandbox down from a new manager instance (as after a crash)", async () => {
    const id = newId();
    await nets.createSandbox(id);
    const att = await nets.connect(id, netName);
    const fresh = new NetworkManager(join(root, "data"));
    await fresh.removeSandbox(id);
    expect(existsSync(`/var/run/netns/${sandboxName(id)}`)).toBe(false);
    const held = await fresh.ipam.addresses(att.networkId);
    expect(Object.keys(held)).not.toContain(att.ipAddress);
    // The address is handed out again only now that it is free.
    const again = newId();
    await fresh.createSandbox(again);
    expect((await fresh.connect(again, netName)).ipAddress).toBe(att.ipAddress);
  });

  it("installs a network's forwarding and NAT rules once for sandboxes attaching together, and removes them", async () => {
    const name = `${netName}r`;
    const net = await nets.create(name, { subnet: subnet.replace(/^10\.213\./, "10.214.") });
    const ids = [newId(), newId(), newId()];
    for (const id of ids) await nets.createSandbox(id);
    await Promise.all(ids.map((id) => nets.connect(id, name)));
    const ours = () =>
      ["filter", "nat"].flatMap((t) =>
        execFileSync("iptables", ["-w", "-t", t, "-S"], { encoding: "utf8" })
          .split("\n")
          .filter((l) => l.includes(`tsc:${net.bridge}`)),
      );
    const installed = ours();
    expect(installed.filter((l) => l.startsWith("-A FORWARD"))).toHaveLength(2);
    expect(installed.filter((l) => l.startsWith("-A POSTROUTING") && l.includes("MASQUERADE"))).toHaveLength(
      1,
    );
    for (const id of ids) await nets.removeSandbox(id);
    await nets.remove(name);
    expect(ours()).toEqual([]);
  });

  it("removes a network once nothing is attached, with its bridge", async () => {
    const net = await nets.get(netName);
    for (const id of containers) await nets.removeSandbox(id);
    await nets.remove(netName);
    expect(execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" })).not.toContain(`${net.bridge}:`);
    await expect(nets.get(netName)).rejects.toThrowError(/not found/);
  });
});
