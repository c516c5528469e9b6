/**
 * The seed books' walkthrough, through the real tscd and tscctl binaries with runc, conmon and
 * the CNI plugins (see examples/walkthrough): a daemon container reached on a published port,
 * restart policies, user networks with name resolution, volumes, commit/tag/push/pull through a
 * local registry, and the inspection commands.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestRegistry } from "../../packages/runtime/test/support/registry.js";
import { startRegistry } from "../../packages/runtime/test/support/registry.js";
import { eventually, freePort, TestEngine } from "../support/engine.js";

const engine = new TestEngine();
let registry: TestRegistry | undefined;
const started = new Date().toISOString();

function ok(args: string[], input?: string): string {
  const r = engine.ctl(args, { input });
  if (r.code !== 0) throw new Error(`tscctl ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function inspect(ref: string, template: string): string {
  return ok(["inspect", "--format", template, ref]).trim();
}

beforeAll(async () => {
  await engine.start();
  expect(engine.loadBusybox()).toContain("Loaded image: busybox:latest");
}, 120_000);

afterAll(async () => {
  await engine.stop();
  await registry?.stop();
}, 120_000);

describe("walkthrough", () => {
  it("runs a daemon container whose published port reaches it; the message shows in logs", async () => {
    const port = await freePort();
    const id = ok([
      "run",
      "-d",
      "-i",
      "-p",
      `${port}:1234`,
      "--name",
      "daemon",
      "busybox",
      "nc",
      "-l",
      "-p",
      "1234",
    ]).trim();
    expect(id).toMatch(/^[a-f0-9]{64}$/);
    expect(ok(["ps"])).toMatch(
      new RegExp(
        `${id.slice(0, 12)}\\s+busybox\\s+"nc -l -p 1234".*0\\.0\\.0\\.0:${port}->1234/tcp\\s+daemon`,
      ),
    );
    // While it runs (nc ends with the connection, and a stopped container publishes nothing).
    expect(ok(["port", "daemon"]).trim()).toBe(`1234/tcp -> 0.0.0.0:${port}`);
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const s = connect(port, "127.0.0.1", () => s.end("hello from the host\n"));
          s.on("error", () => resolve(false));
          s.on("close", () => resolve(true));
        }),
      "a connection to the published port",
    );
    await eventually(() => ok(["logs", "daemon"]).includes("hello from the host"), "the message in the logs");
    // -t prefixes Docker's timestamps (UTC, nine fractional digits).
    expect(ok(["logs", "-t", "daemon"])).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z hello from the host$/m,
    );
    expect(inspect("daemon", "{{.NetworkSettings.IPAddress}}")).toMatch(/^10\.222\.\d+\.\d+$/);
  });

  it("inspects published ports, exposed ports, CPUs, bundle files and sizes with Docker's fields", async () => {
    const port = await freePort();
    ok([
      "run",
      "-d",
      "--name",
      "ports",
      "-p",
      `127.0.0.1:${port}:80`,
      "-p",
      "80",
      "--expose",
      "90-91/udp",
      "--cpus",
      "0.5",
      "busybox",
      "sleep",
      "600",
    ]);
    try {
      const doc = JSON.parse(ok(["inspect", "-s", "ports"])) as [Record<string, unknown>];
      const c = doc[0] as {
        HostConfig: Record<string, unknown>;
        Config: { ExposedPorts: Record<string, unknown> };
        NetworkSettings: { Ports: Record<string, { HostIp: string; HostPort: string }[] | null> };
      } & Record<string, unknown>;
      expect(c.HostConfig.PortBindings).toEqual({
        "80/tcp": [
          { HostIp: "127.0.0.1", HostPort: String(port) },
          { HostIp: "", HostPort: "" },
        ],
      });
      expect(c.HostConfig).toMatchObject({
        PublishAllPorts: false,
        NanoCpus: 500_000_000,
        CpuQuota: 0,
        CpuPeriod: 0,
      });
      expect(c.Config.ExposedPorts).toEqual({ "80/tcp": {}, "90/udp": {}, "91/udp": {} });
      expect(c.NetworkSettings.Ports["80/tcp"]).toHaveLength(2);
      expect(c.NetworkSettings.Ports["90/udp"]).toBeNull();
      for (const f of ["LogPath", "ResolvConfPath", "HostsPath", "HostnamePath"])
        expect(readFileSync(c[f] as string)).toBeDefined();
      // The files the container sees as its own.
      expect(readFileSync(c.ResolvConfPath as string, "utf8")).toMatch(/^nameserver /m);
      expect(readFileSync(c.HostsPath as string, "utf8")).toMatch(/^127\.0\.0\.1\s+localhost/m);
      expect(readFileSync(c.HostnamePath as string, "utf8").trim()).toBe(String(c.Id).slice(0, 12));
      expect(c.SizeRw).toEqual(expect.any(Number));
      expect(c.SizeRootFs as number).toBeGreaterThan(c.SizeRw as number);
      expect(inspect("ports", "{{.SizeRw}}")).toBe("<no value>");
    } finally {
      ok(["rm", "-f", "ports"]);
    }
  });

  it("keeps one ps entry with the same ID while --restart=always restarts it", async () => {
    const id = ok(["run", "-d", "--restart=always", "--name", "always", "busybox", "echo", "done"]).trim();
    await eventually(() => Number(inspect("always", "{{.RestartCount}}")) >= 2, "two restarts");
    const rows = ok(["ps", "-a", "--no-trunc", "--filter", "name=always", "--format", "{{.ID}}"])
      .trim()
      .split("\n");
    expect(rows).toEqual([id]);
    expect(ok(["logs", "always"])).toMatch(/^done\ndone\n/);
    expect(inspect("always", "{{.HostConfig.RestartPolicy.Name}}")).toBe("always");
  });

  it("lets two containers on a user network reach each other by name", () => {
    expect(ok(["network", "create", "my_network"]).trim()).toMatch(/^[a-f0-9]{64}$/);
    ok(["run", "-d", "--name", "blog1", "busybox", "sleep", "1000"]);
    ok([
      "run",
      "-d",
      "--name",
      "blog2",
      "--network",
      "my_network",
      "--network-alias",
      "db",
      "busybox",
      "sleep",
      "1000",
    ]);
    expect(engine.ctl(["exec", "blog1", "ping", "-c1", "-W2", "blog2"]).code).not.toBe(0);
    ok(["network", "connect", "my_network", "blog1"]);
    expect(ok(["exec", "blog1", "ping", "-c1", "-W2", "blog2"])).toContain("1 packets received");
    expect(ok(["exec", "blog2", "ping", "-c1", "-W2", "blog1"])).toContain("1 packets received");
    const blog2Ip = inspect("blog2", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");
    expect(ok(["exec", "blog1", "nslookup", "db"])).toContain(blog2Ip);
    expect(inspect("my_network", "{{range .Containers}}{{.Name}} {{end}}").split(" ").sort()).toEqual([
      "blog1",
      "blog2",
    ]);
  });

  it("names the containers, not their sandboxes, when a network in use cannot be removed", () => {
    const rm = engine.ctl(["network", "rm", "my_network"]);
    expect(rm.code).toBe(1);
    const ids = ["blog1", "blog2"].map((n) => inspect(n, "{{.Id}}").slice(0, 12));
    expect(rm.stderr).toMatch(
      /^Error response from daemon: error while removing network: network my_network has active endpoints \(name:"blog\d" id:"[a-f0-9]{12}", name:"blog\d" id:"[a-f0-9]{12}"\): disconnect them \(`tscctl network disconnect my_network CONTAINER`\) or remove them first\n$/,
    );
    for (const id of ids) expect(rm.stderr).toContain(id);
    const again = engine.ctl(["network", "connect", "my_network", "blog1"]);
    expect(again.stderr).toBe(
      "Error response from daemon: endpoint with name blog1 already exists in network my_network\n",
    );
  });

  it("filters ps as Docker's: regular-expression names, volumes, refused keys; Mounts and Label in templates", () => {
    expect(ok(["ps", "--filter", "name=^blog1$", "--format", "{{.Names}}"])).toBe("blog1\n");
    expect(ok(["ps", "--filter", "name=^/blog2$", "--format", "{{.Names}}"])).toBe("blog2\n");
    for (const [filter, message] of [
      ["bogus=1", "invalid filter 'bogus'"],
      ["status=bogus", "invalid filter 'status=bogus'"],
    ] as const) {
      const r = engine.ctl(["ps", "--filter", filter]);
      expect([r.code, r.stdout, r.stderr]).toEqual([1, "", `Error response from daemon: ${message}\n`]);
    }
    ok(["run", "-d", "--name", "mounter", "-l", "tier=web", "-v", "psvol:/data", "busybox", "sleep", "1000"]);
    expect(
      ok([
        "ps",
        "--filter",
        "volume=psvol",
        "--format",
        '{{.Names}} {{.Mounts}} {{.LocalVolumes}} {{.Label "tier"}}',
      ]),
    ).toBe("mounter psvol 1 web\n");
    expect(ok(["ps", "--filter", "volume=/data", "-q"]).trim()).toBe(
      inspect("mounter", "{{.Id}}").slice(0, 12),
    );
    ok(["rm", "-f", "mounter"]);
  });

  it("mounts host directories, named volumes and a data-only container's volumes", () => {
    const host = mkdtempSync(join(tmpdir(), "tsc-e2e-bind-"));
    writeFileSync(join(host, "index.html"), "from the host\n");
    expect(
      ok([
        "run",
        "--rm",
        "-v",
        `${host}:/www`,
        "busybox",
        "sh",
        "-c",
        "cat /www/index.html; echo written > /www/out",
      ]),
    ).toBe("from the host\n");
    expect(readFileSync(join(host, "out"), "utf8")).toBe("written\n");
    rmSync(host, { recursive: true, force: true });
    ok(["volume", "create", "shared"]);
    ok(["run", "--rm", "-v", "shared:/data", "busybox", "sh", "-c", "echo kept > /data/f"]);
    expect(ok(["run", "--rm", "-v", "shared:/data:ro", "busybox", "cat", "/data/f"])).toBe("kept\n");
    ok(["create", "-v", "/dbdata", "--name", "dbstore", "busybox", "true"]);
    ok(["run", "--rm", "--volumes-from", "dbstore", "busybox", "sh", "-c", "echo db > /dbdata/x"]);
    expect(ok(["run", "--rm", "--volumes-from", "dbstore", "busybox", "cat", "/dbdata/x"])).toBe("db\n");
    expect(ok(["volume", "ls", "-q"])).toContain("shared");
  });

  it("mounts a volume created with -o options by name; refuses options the local driver does not know", () => {
    ok(["volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=10m", "tmpv"]);
    expect(
      ok(["run", "--rm", "-v", "tmpv:/data", "busybox", "sh", "-c", "grep ' /data ' /proc/mounts"]),
    ).toMatch(/^tmpfs \/data tmpfs rw,.*size=10240k/);
    const odd = engine.ctl(["volume", "create", "-o", "foo=bar", "odd"]);
    expect([odd.code, odd.stderr]).toEqual([
      1,
      `Error response from daemon: create odd: invalid option key: "foo": the local driver takes type, device and o (mount's -t, device and -o)\n`,
    ]);
    expect(ok(["volume", "ls", "-q", "--filter", "name=^tmpv$", "--filter", "dangling=true"])).toBe("tmpv\n");
    ok(["volume", "rm", "tmpv"]);
  });

  it("commits, tags, pushes to a local registry, removes and pulls back", async () => {
    registry = await startRegistry();
    ok(["run", "--init", "--name", "changed", "busybox", "sh", "-c", "echo committed > /hello.txt"]);
    // Only the container's own change: not the hosts, hostname and resolv.conf mount points (Docker's init layer).
    expect(ok(["diff", "changed"])).toBe("A /hello.txt\n");
    ok(["commit", "-m", "add hello", "changed", "walk/hello:v1"]);
    const remote = `${registry.host}/walk/hello:v1`;
    ok(["tag", "walk/hello:v1", remote]);
    const configId = inspect(remote, "{{.Id}}").slice(7, 19);
    const pushed = ok(["push", remote]);
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)?.[1] ?? "";
    expect(digest).not.toBe("");
    // Layers only: the config blob is no layer (Docker shows none for it).
    expect(pushed).not.toContain(configId);
    const repo = `${registry.host}/walk/hello`;
    expect(inspect(remote, "{{.RepoDigests}}")).toBe(`[${repo}@${digest}]`);
    expect(ok(["images", "--digests", repo])).toMatch(
      new RegExp(
        `^REPOSITORY\\s+TAG\\s+DIGEST\\s+IMAGE ID\\s.*\\n${repo}\\s+v1\\s+${digest}\\s+${configId}\\s`,
      ),
    );
    expect(ok(["images", "--digests", "walk/hello"])).toMatch(/\nwalk\/hello\s+v1\s+<none>\s/);
    ok(["rm", "changed"]);
    ok(["rmi", remote, "walk/hello:v1"]);
    expect(ok(["images", "--format", "{{.Repository}}"])).not.toContain("walk/hello");
    const pulled = ok(["pull", remote]);
    expect(pulled).toContain(`Digest: ${digest}\nStatus: Downloaded newer image for ${remote}\n`);
    expect(pulled).not.toContain(configId);
    expect(inspect(remote, "{{.RepoDigests}}")).toBe(`[${repo}@${digest}]`);
    expect(ok(["pull", remote])).toContain(`Digest: ${digest}\nStatus: Image is up to date for ${remote}\n`);
    expect(inspect(`${repo}@${digest}`, "{{.Id}}").slice(7, 19)).toBe(configId);
    expect(ok(["run", "--rm", remote, "cat", "/hello.txt"])).toBe("committed\n");
    // Newest layer first: the image's short ID on it, <missing> on the layers built elsewhere.
    const history = ok(["history", remote]).split("\n");
    expect(history[1]).toMatch(new RegExp(`^${inspect(remote, "{{.Id}}").slice(7, 19)}\\s.*add hello$`));
    expect(history[2]).toMatch(/^<missing>\s/);
  });

  it("shows processes, stats and events", () => {
    // Its own name resolves to its address inside, as in Docker's /etc/hosts.
    expect(ok(["exec", "blog1", "hostname", "-i"]).trim()).toBe(
      inspect("blog1", "{{.NetworkSettings.IPAddress}}"),
    );
    // Docker's columns (ps -ef), and ps options passed on.
    expect(ok(["top", "blog1"])).toMatch(
      /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD\nroot\s+\d+\s+\d+\s.*\ssleep 1000\n/,
    );
    expect(ok(["top", "blog1", "-o", "pid,comm"])).toMatch(/^PID\s+COMMAND\n\d+\s+sleep\n$/);
    const bad = engine.ctl(["top", "blog1", "-o", "nosuchcolumn"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error response from daemon: ps: .*nosuchcolumn/);
    const stats = ok(["stats", "--no-stream", "blog1"]);
    expect(stats).toMatch(/CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT/);
    expect(stats).toContain("blog1");
    // A busy container's CPU share shows in one --no-stream run (it takes two samples).
    ok(["run", "-d", "--name", "busy", "busybox", "sh", "-c", "while :; do :; done"]);
    const cpu = Number(
      ok(["stats", "--no-stream", "--format", "{{.CPUPerc}}", "busy"]).trim().replace("%", ""),
    );
    expect(cpu).toBeGreaterThan(10);
    ok(["rm", "-f", "busy"]);
    const events = ok([
      "events",
      "--since",
      started,
      "--until",
      new Date().toISOString(),
      "--filter",
      "container=blog1",
    ]);
    expect(events).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000000Z container create [a-f0-9]{64} \(.*name=blog1/m,
    );
    expect(events).toMatch(/container start [a-f0-9]{64}/);
    expect(
      ok(["events", "--since", started, "--until", new Date().toISOString(), "--filter", "type=network"]),
    ).toMatch(/network connect/);
  });

  it("stops after 10 restarts with --restart=on-failure:10", async () => {
    ok(["run", "-d", "--restart=on-failure:10", "--name", "failing", "busybox", "false"]);
    // The back-off doubles from 100 ms (as Docker's does): ten restarts take about 100 s.
    await eventually(
      () => inspect("failing", "{{.State.Status}} {{.RestartCount}}") === "exited 10",
      "ten restarts",
      180_000,
    );
    expect(inspect("failing", "{{.State.ExitCode}}")).toBe("1");
    await new Promise((r) => setTimeout(r, 1500));
    expect(inspect("failing", "{{.State.Status}} {{.RestartCount}}")).toBe("exited 10");
  }, 200_000);
});
