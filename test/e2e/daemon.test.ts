/**
 * tscd as a daemon: live restore across kill -9 and SIGTERM, a second client while `logs -f`
 * streams, Docker-like errors and exit codes for bad input, the root-only socket, mutual TLS on
 * TCP, the API trace with secrets redacted, one daemon per data root, and `--detach`.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freePort, TestEngine, TSCCTL, TSCD } from "../support/engine.js";

let tcpPort = 0;
let certs = "";
let engine: TestEngine;

function ok(args: string[], input?: string): string {
  const r = engine.ctl(args, { input });
  if (r.code !== 0) throw new Error(`tscctl ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** Whether `pid` runs (a zombie waiting for init to reap it does not). */
function isRunning(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCerts(dir: string): void {
  const sh = (cmd: string) => execFileSync("sh", ["-c", cmd], { cwd: dir, stdio: "pipe" });
  sh(
    "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem -out ca.pem -days 1 -subj /CN=tsc-test-ca",
  );
  for (const [name, ext] of [
    ["server", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"],
    ["client", "extendedKeyUsage=clientAuth"],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    sh(`openssl req -newkey rsa:2048 -nodes -keyout ${name}-key.pem -out ${name}.csr -subj /CN=${name}`);
    sh(
      `openssl x509 -req -in ${name}.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -out ${name}.pem -days 1 -extfile ${name}.ext`,
    );
  }
}

beforeAll(async () => {
  tcpPort = await freePort();
  engine = new TestEngine(undefined, [], "10.223.0.0/16");
  certs = engine.dir;
  makeCerts(certs);
  engine.extraArgs.push(
    "-H",
    `tcp://127.0.0.1:${tcpPort}`,
    "--tlscacert",
    join(certs, "ca.pem"),
    "--tlscert",
    join(certs, "server.pem"),
    "--tlskey",
    join(certs, "server-key.pem"),
    "--trace-api",
  );
  await engine.start();
  engine.loadBusybox();
}, 120_000);

afterAll(async () => {
  await engine.stop();
}, 120_000);

describe("tscd", () => {
  it("serves a root-only unix socket", () => {
    expect(statSync(engine.socket).mode & 0o777).toBe(0o660);
    expect(statSync(engine.socket).uid).toBe(0);
  });

  it("serves TCP only to clients with a certificate from its CA", () => {
    const tls = [
      "--tlscacert",
      join(certs, "ca.pem"),
      "--tlscert",
      join(certs, "client.pem"),
      "--tlskey",
      join(certs, "client-key.pem"),
    ];
    const withCert = engine.ctl([
      "-H",
      `tcp://127.0.0.1:${tcpPort}`,
      ...tls,
      "version",
      "--format",
      "{{.Server.ApiVersion}}",
    ]);
    expect(withCert.stderr).toBe("");
    expect(withCert.stdout.trim()).toBe("tsc.v1");
    const noCert = engine.ctl(["-H", `tcp://127.0.0.1:${tcpPort}`, "ps"]);
    expect(noCert.code).not.toBe(0);
    expect(noCert.stderr).toMatch(/needs --tlscacert, --tlscert and --tlskey/);
    const wrongCa = engine.ctl([
      "-H",
      `tcp://127.0.0.1:${tcpPort}`,
      "--tlscacert",
      join(certs, "client.pem"),
      "--tlscert",
      join(certs, "client.pem"),
      "--tlskey",
      join(certs, "client-key.pem"),
      "ps",
    ]);
    expect(wrongCa.code).not.toBe(0);
  });

  it("keeps containers running across kill -9 and re-adopts them", async () => {
    ok([
      "run",
      "-d",
      "--name",
      "survivor",
      "busybox",
      "sh",
      "-c",
      "while true; do echo tick; sleep 0.2; done",
    ]);
    ok(["run", "-d", "--name", "bouncer", "--restart", "always", "busybox", "sh", "-c", "sleep 1; exit 3"]);
    const pid = ok(["inspect", "--format", "{{.State.Pid}}", "survivor"]).trim();
    await engine.kill9();
    // Meanwhile the container keeps running and `bouncer` exits (its restart is the new daemon's job).
    expect(() => process.kill(Number(pid), 0)).not.toThrow();
    // A network create the kill interrupted between leasing its subnet and writing its record.
    const ipamFile = join(engine.dataRoot, "networks", "ipam.json");
    const ipam = JSON.parse(readFileSync(ipamFile, "utf8")) as { subnets: Record<string, unknown> };
    ipam.subnets["f".repeat(64)] = { subnet: "10.199.7.0/24", gateway: "10.199.7.1" };
    writeFileSync(ipamFile, JSON.stringify(ipam));
    await new Promise((r) => setTimeout(r, 1500));
    await engine.start();
    // The new daemon frees that lease, so the subnet can be had again.
    ok(["network", "create", "--subnet", "10.199.7.0/24", "after-crash"]);
    ok(["network", "rm", "after-crash"]);
    expect(ok(["inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "survivor"]).trim()).toBe(
      `running ${pid}`,
    );
    const before = Number(ok(["inspect", "--format", "{{.RestartCount}}", "bouncer"]).trim());
    await eventually(
      () => Number(ok(["inspect", "--format", "{{.RestartCount}}", "bouncer"]).trim()) > before,
      "bouncer restarted by the new daemon",
    );
    ok(["stop", "-t", "1", "survivor"]);
    expect(ok(["inspect", "--format", "{{.State.Status}}", "survivor"]).trim()).toBe("exited");
  });

  it("leaves containers running on SIGTERM (live restore)", async () => {
    ok(["run", "-d", "--name", "live", "busybox", "sleep", "1000"]);
    const pid = ok(["inspect", "--format", "{{.State.Pid}}", "live"]).trim();
    const pidFile = join(engine.execRoot, "tscd.pid");
    expect(readFileSync(pidFile, "utf8").trim()).toBe(String(engine.pid));
    expect(await engine.terminate()).toBe(0);
    // Its pid file goes with it, as dockerd's does.
    expect(existsSync(pidFile)).toBe(false);
    expect(() => process.kill(Number(pid), 0)).not.toThrow();
    await engine.start();
    expect(ok(["ps", "--filter", "name=live", "--format", "{{.Names}} {{.State}}"]).trim()).toBe(
      "live running",
    );
  });

  it("answers a second client while a long logs -f streams", async () => {
    ok([
      "run",
      "-d",
      "--name",
      "talker",
      "busybox",
      "sh",
      "-c",
      "i=0; while true; do i=$((i+1)); echo line $i; sleep 0.1; done",
    ]);
    const follower = engine.spawnCtl(["logs", "-f", "talker"]);
    try {
      await eventually(() => follower.output().includes("line 3"), "the follower to stream");
      const t0 = Date.now();
      expect(ok(["ps", "--format", "{{.Names}}"])).toContain("talker");
      expect(Date.now() - t0).toBeLessThan(10_000);
      const seen = follower.output().length;
      await eventually(() => follower.output().length > seen, "more lines after the second client");
      ok(["stop", "-t", "1", "talker"]);
      await eventually(() => follower.exitCode === 0, "logs -f to end when the container stops");
    } finally {
      follower.kill();
    }
  });

  it("gives Docker-like errors and exit codes", () => {
    const badFlag = engine.ctl(["run", "--bogus", "busybox"]);
    expect(badFlag.code).toBe(125);
    expect(badFlag.stderr).toMatch(/unknown option '--bogus'/);
    expect(badFlag.stderr).toMatch(/See 'tscctl run --help'/);
    expect(badFlag.stderr).not.toMatch(/\n\s+at /);
    const unknown = engine.ctl(["stop", "nosuch"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("Error response from daemon: No such container: nosuch\n");
    const noImage = engine.ctl(["run", "--pull", "never", "nosuch/image"]);
    expect(noImage.code).toBe(125);
    expect(noImage.stderr).toMatch(/Error response from daemon: .*nosuch\/image/);
    const noCmd = engine.ctl(["run", "--rm", "busybox", "/no/such/command"]);
    expect(noCmd.code).toBe(127);
    expect(engine.ctl(["ps", "-a", "--format", "{{.Command}}"]).stdout).not.toContain("/no/such/command");
    expect(engine.ctl(["run", "--rm", "busybox", "sh", "-c", "exit 7"]).code).toBe(7);
    // --env-file reaches tscctl, not Node (which takes that flag anywhere in its own argv).
    const envFile = join(engine.dir, "vars.env");
    writeFileSync(envFile, "# comment\nGREETING=from the file\n");
    expect(ok(["run", "--rm", "--env-file", envFile, "busybox", "sh", "-c", "echo $GREETING"])).toBe(
      "from the file\n",
    );
    const noEnvFile = engine.ctl([
      "run",
      "--rm",
      "--env-file",
      join(engine.dir, "none.env"),
      "busybox",
      "true",
    ]);
    expect(noEnvFile.code).toBe(125);
    expect(noEnvFile.stderr).toBe(
      `tscctl: open ${join(engine.dir, "none.env")}: no such file or directory\nSee 'tscctl run --help'.\n`,
    );
    const inspectMissing = engine.ctl(["inspect", "nosuch"]);
    expect(inspectMissing.code).toBe(1);
    expect(inspectMissing.stderr).toContain("Error: No such object: nosuch");
    const noDaemon = engine.ctl(["ps"], { env: { TSC_HOST: `unix://${engine.dir}/nothing.sock` } });
    expect(noDaemon.code).toBe(1);
    expect(noDaemon.stderr).toMatch(/Cannot connect to the tsc daemon at unix:\/\/.*nothing\.sock/);
    // Uploads too: one line, not a stack trace from the stream that could not be sent.
    for (const args of [
      ["load", "-i", join(engine.dir, "busybox.tar")],
      ["cp", join(engine.dir, "busybox.tar"), "somewhere:/tmp"],
    ]) {
      const r = engine.ctl(args, { env: { TSC_HOST: `unix://${engine.dir}/nothing.sock` } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^tscctl: Cannot connect to the tsc daemon at unix:\/\/.*nothing\.sock: is tscd running\?.*\n$/,
      );
    }
    for (const args of [
      ["load", "-i", `${engine.dir}/no-such.tar`],
      ["import", `${engine.dir}/no-such.tar`, "nosuch:latest"],
    ]) {
      const missing = engine.ctl(args);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(`tscctl: open ${engine.dir}/no-such.tar: no such file or directory\n`);
    }
    expect(engine.ctl(["load", "-i", engine.dir]).stderr).toBe(
      `tscctl: open ${engine.dir}: is a directory\n`,
    );
    const dup = engine.ctl(["create", "--name", "live", "busybox"]);
    expect(dup.code).toBe(125);
    expect(dup.stderr).toMatch(/container name "\/live" already exists/);
    // A network attachment that fails (an address outside the subnet) while the container is being
    // created in parallel leaves neither the container nor its network namespace behind.
    const onBridge = engine.ctl(["run", "-d", "--ip", "192.0.2.7", "busybox", "sleep", "60"]);
    expect(onBridge.code).toBe(125);
    expect(onBridge.stderr).toMatch(/user specified IP address is supported on user defined networks only/);
    expect(engine.ctl(["network", "create", "errnet"]).code).toBe(0);
    const netnsBefore = readdirSync("/run/netns").length;
    const badIp = engine.ctl([
      "run",
      "-d",
      "--name",
      "badip",
      "--network",
      "errnet",
      "--ip",
      "192.0.2.7",
      "busybox",
    ]);
    expect(badIp.code).toBe(125);
    expect(badIp.stderr).toMatch(
      /Error response from daemon: address 192\.0\.2\.7 is not in the network's subnet/,
    );
    expect(engine.ctl(["ps", "-a", "--filter", "name=badip", "-q"]).stdout).toBe("");
    expect(readdirSync("/run/netns").length).toBe(netnsBefore);
    expect(engine.ctl(["network", "rm", "errnet"]).code).toBe(0);
  });

  it("exits exec failures with Docker's codes and words, and handles missing bind sources as Docker", () => {
    ok(["run", "-d", "--name", "execfail", "busybox", "sleep", "1000"]);
    const start = "OCI runtime exec failed: exec failed: unable to start container process";
    const notFound = engine.ctl(["exec", "execfail", "nosuch"]);
    expect(notFound.code).toBe(127);
    expect(notFound.stderr).toBe(`${start}: exec: "nosuch": executable file not found in $PATH: unknown\n`);
    const notExecutable = engine.ctl(["exec", "execfail", "/etc/passwd"]);
    expect(notExecutable.code).toBe(126);
    expect(notExecutable.stderr).toBe(`${start}: exec: "/etc/passwd": permission denied: unknown\n`);
    const noDir = engine.ctl(["exec", "-w", "/nonexist", "execfail", "pwd"]);
    expect(noDir.code).toBe(126);
    expect(noDir.stderr).toMatch(/chdir to cwd \("\/nonexist"\) set in config\.json failed/);
    // A command of its own that exits 255 keeps its code and output.
    const own = engine.ctl(["exec", "execfail", "sh", "-c", "echo mine >&2; exit 255"]);
    expect([own.code, own.stderr]).toEqual([255, "mine\n"]);
    ok(["rm", "-f", "execfail"]);
    // -v creates a missing host directory; --mount type=bind refuses it (exit 125).
    const source = join(engine.dir, "binds", "newdir");
    ok(["run", "--rm", "-v", `${source}:/m`, "busybox", "true"]);
    expect(statSync(source).isDirectory()).toBe(true);
    const missing = join(engine.dir, "binds", "missing");
    const refused = engine.ctl([
      "run",
      "--rm",
      "--mount",
      `type=bind,source=${missing},target=/m`,
      "busybox",
    ]);
    expect(refused.code).toBe(125);
    expect(refused.stderr).toContain(
      `invalid mount config for type "bind": bind source path does not exist: ${missing}`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it("writes all its output to a slow reader before it exits", async () => {
    ok(["create", "--name", "verbose", "busybox", "true"]);
    // ~200 KB printed at once: more than a pipe holds, so most of it waits in the CLI's queue
    // while the reader has not started. Run without blocking this process, which must keep
    // reading tscd's --trace-api output meanwhile.
    const refs = Array.from({ length: 60 }, () => "verbose");
    const sh = (script: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const c = spawn("sh", ["-c", script, TSCCTL, ...refs], { env: engine.env });
        let out = "";
        c.stdout.on("data", (b: Buffer) => (out += b.toString()));
        c.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      });
    const direct = await sh(`"$0" inspect "$@"`);
    expect(direct.length).toBeGreaterThan(150_000);
    const counted = await sh(`"$0" inspect "$@" | (sleep 1; wc -c)`);
    expect(Number(counted.trim())).toBe(Buffer.byteLength(direct));
    ok(["rm", "verbose"]);
  });

  it("frees a stopped container's published ports, and publishes them again when it starts", async () => {
    const port = await freePort();
    ok(["run", "-d", "--name", "pub-a", "-p", `${port}:80`, "busybox", "sleep", "1000"]);
    ok(["stop", "-t", "0", "pub-a"]);
    expect(ok(["ps", "-a", "--filter", "name=pub-a", "--format", "{{.Status}}|{{.Ports}}"])).toMatch(
      /^Exited \(137\) .*\|\n$/,
    );
    // Another container may take the port meanwhile; the first cannot start until it is free again.
    ok(["run", "-d", "--name", "pub-b", "-p", `${port}:80`, "busybox", "sleep", "1000"]);
    const taken = engine.ctl(["start", "pub-a"]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(
      `Error response from daemon: Bind for 0.0.0.0:${port} failed: port is already allocated\n`,
    );
    ok(["rm", "-f", "pub-b"]);
    ok(["start", "pub-a"]);
    expect(ok(["port", "pub-a"])).toBe(`80/tcp -> 0.0.0.0:${port}\n`);
    ok(["rm", "-f", "pub-a"]);
  });

  it("copies files and directories in and out of a container, running or stopped (cp)", () => {
    ok(["run", "-d", "--name", "files", "-v", "cpvol:/data", "busybox", "sleep", "1000"]);
    const host = join(engine.dir, "cp");
    mkdirSync(join(host, "dir", "sub"), { recursive: true });
    writeFileSync(join(host, "dir", "sub", "a.txt"), "from the host\n");
    writeFileSync(join(host, "one.txt"), "one\n");
    ok(["cp", join(host, "dir"), "files:/tmp"]);
    expect(ok(["exec", "files", "cat", "/tmp/dir/sub/a.txt"])).toBe("from the host\n");
    ok(["cp", join(host, "one.txt"), "files:/data/renamed.txt"]);
    expect(ok(["exec", "files", "cat", "/data/renamed.txt"])).toBe("one\n");
    ok(["exec", "files", "sh", "-c", "echo made inside > /data/inside.txt"]);
    ok(["cp", "files:/data/inside.txt", join(host, "out.txt")]);
    expect(readFileSync(join(host, "out.txt"), "utf8")).toBe("made inside\n");
    ok(["cp", "files:/tmp/dir", join(host, "back")]);
    expect(readFileSync(join(host, "back", "sub", "a.txt"), "utf8")).toBe("from the host\n");
    // A directory's contents with /. into a new directory; a directory into an existing one.
    ok(["cp", "files:/tmp/dir/.", join(host, "contents")]);
    expect(readFileSync(join(host, "contents", "sub", "a.txt"), "utf8")).toBe("from the host\n");
    ok(["cp", "files:/tmp/dir", join(host, "back")]);
    expect(readFileSync(join(host, "back", "dir", "sub", "a.txt"), "utf8")).toBe("from the host\n");
    expect(readdirSync(host).sort()).toEqual(["back", "contents", "dir", "one.txt", "out.txt"]);
    const toFile = engine.ctl(["cp", "files:/tmp/dir", join(host, "one.txt")]);
    expect(toFile.code).toBe(1);
    expect(toFile.stderr).toMatch(/cannot copy a directory to a file/);
    // A tar on stdin needs an existing directory to land in.
    const tar = execFileSync("tar", ["-C", host, "-cf", "-", "one.txt"]);
    const noDir = engine.ctl(["cp", "-", "files:/tmp/nonexistent"], { input: tar.toString("latin1") });
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toMatch(/directory "\/tmp\/nonexistent" not found/);
    const missing = engine.ctl(["cp", "files:/nope", host]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/path "\/nope" not found/);
    // Links resolve inside the container: /tmp/etclink -> /etc is the container's /etc.
    ok(["exec", "files", "ln", "-s", "/etc", "/tmp/etclink"]);
    ok(["cp", "files:/tmp/etclink/hostname", join(host, "hostname")]);
    expect(readFileSync(join(host, "hostname"), "utf8")).toBe(ok(["exec", "files", "cat", "/etc/hostname"]));
    // A stopped container: its root filesystem and its volumes, both ways.
    ok(["stop", "-t", "1", "files"]);
    ok(["cp", join(host, "one.txt"), "files:/tmp/x"]);
    ok(["cp", join(host, "one.txt"), "files:/data/while-stopped.txt"]);
    ok(["cp", "files:/tmp/x", join(host, "x-back")]);
    expect(readFileSync(join(host, "x-back"), "utf8")).toBe("one\n");
    ok(["start", "files"]);
    expect(ok(["exec", "files", "cat", "/tmp/x", "/data/while-stopped.txt"])).toBe("one\none\n");
  });

  it("sizes containers' own layers and volumes (ps -s, system df)", () => {
    ok(["run", "-d", "--name", "sized", "-v", "sizedvol:/data", "busybox", "sleep", "1000"]);
    ok([
      "exec",
      "sized",
      "sh",
      "-c",
      "head -c 300000 /dev/zero > /big && head -c 200000 /dev/zero > /data/v",
    ]);
    expect(ok(["ps", "-s", "--filter", "name=sized", "--format", "{{.Size}}"]).trim()).toMatch(
      /^30\d\.?\d*kB \(virtual \d+(\.\d+)?MB\)$/,
    );
    // The SIZE column joins the default table with -s, as Docker's.
    expect(ok(["ps", "-s", "--filter", "name=sized"]).split("\n")[0]).toMatch(/NAMES\s+SIZE$/);
    expect(ok(["ps", "--filter", "name=sized"]).split("\n")[0]).toMatch(/NAMES$/);
    const df = ok(["system", "df"]);
    const sizeOf = (type: string): number => {
      const m = new RegExp(`^${type}\\s+\\d+\\s+\\d+\\s+([\\d.]+)(B|kB|MB)`, "m").exec(df);
      return m ? Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6 }[m[2] as "B"] : -1;
    };
    expect(sizeOf("Containers")).toBeGreaterThanOrEqual(300_000);
    expect(sizeOf("Local Volumes")).toBeGreaterThanOrEqual(200_000);
    ok(["rm", "-f", "sized"]);
    ok(["volume", "rm", "sizedvol"]);
  });

  it("prunes only after a yes, keeps named volumes without -a, and reports what it freed", () => {
    // Other tests' stopped containers may go too: only this one's lines and sizes are checked.
    const id = ok([
      "run",
      "-d",
      "--name",
      "leftover",
      "-v",
      "/scratch",
      "busybox",
      "sh",
      "-c",
      "head -c 50000 /dev/zero > /scratch/f; head -c 70000 /dev/zero > /own",
    ]).trim();
    expect(ok(["wait", id]).trim()).toBe("0");
    const anonymous = ok(["inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", id]).trim();
    ok(["volume", "create", "precious"]);
    const freed = (out: string): number => {
      const m = /Total reclaimed space: ([\d.]+)(B|kB|MB)\n$/.exec(out);
      return m ? Number(m[1]) * { B: 1, kB: 1e3, MB: 1e6 }[m[2] as "B"] : -1;
    };
    const declined = engine.ctl(["container", "prune"], { input: "n\n" });
    expect(declined.code).toBe(0);
    expect(declined.stdout).toBe(
      "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ",
    );
    expect(ok(["ps", "-aq", "--filter", "name=leftover"])).not.toBe("");
    const pruned = engine.ctl(["container", "prune"], { input: "y\n" }).stdout;
    expect(pruned).toMatch(/\[y\/N\] Deleted Containers:\n([0-9a-f]{64}\n)+\nTotal reclaimed space: /);
    expect(pruned).toContain(`\n${id}\n`);
    expect(freed(pruned)).toBeGreaterThanOrEqual(70_000);
    expect(ok(["ps", "-aq", "--filter", "name=leftover"])).toBe("");
    // Without -a only anonymous volumes go (with their data counted); named ones stay.
    const vols = ok(["volume", "prune", "-f"]);
    expect(vols).toContain(`\n${anonymous}\n`);
    expect(freed(vols)).toBeGreaterThanOrEqual(50_000);
    expect(ok(["volume", "ls", "-q"])).toContain("precious");
    expect(ok(["volume", "prune", "-a", "-f"])).toContain("\nprecious\n");
    expect(ok(["volume", "ls", "-q"])).not.toContain("precious");
  });

  it("traces API calls without secrets", async () => {
    engine.ctl(["login", "-u", "alice", "--password-stdin", "127.0.0.1:1"], { input: "s3cret-password\n" });
    const log = await eventually(() => {
      const text = engine.log.join("");
      return text.includes("Images.Login") && text;
    }, "the login call in the trace");
    expect(log).toMatch(/trace \{"time":"[^"]+","method":"Containers.List","phase":"call"/);
    expect(log).toContain('"method":"Images.Login"');
    expect(log).not.toContain("s3cret-password");
  });

  it("refuses TCP without TLS before it changes anything on the host (no exec root mounted)", () => {
    const dir = join(engine.dir, "no-tls");
    const r = spawnSync(
      TSCD,
      ["--data-root", join(dir, "data"), "--exec-root", join(dir, "run"), "-H", "tcp://127.0.0.1:1"],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("listening on TCP needs --tlscacert, --tlscert and --tlskey");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync("/proc/self/mounts", "utf8")).not.toContain(join(dir, "run"));
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  it("refuses a second daemon on its data root, and --detach returns once it serves", async () => {
    const id = ok(["run", "-d", "--name", "only-one", "busybox", "sleep", "1000"]).trim();
    const own = ["--data-root", engine.dataRoot, "--exec-root", engine.execRoot];
    const secondSock = join(engine.dir, "second.sock");
    const refused = `another tscd (pid ${engine.pid}) is running with data root ${engine.dataRoot}`;
    const second = spawnSync(TSCD, [...own, "-H", `unix://${secondSock}`], { encoding: "utf8" });
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(
      `tscd: ${refused}: stop it first (kill ${engine.pid}), or give this one its own --data-root, --exec-root and -H\n`,
    );
    const pidFile = join(engine.dir, "detached.pid");
    const detached = spawnSync(
      TSCD,
      [...own, "-H", `unix://${secondSock}`, "--detach", "--pidfile", pidFile],
      {
        encoding: "utf8",
      },
    );
    expect(detached.status).toBe(1);
    expect(detached.stderr).toMatch(
      /^tscd: the daemon exited \(code 1\) before it was serving; its log .*tscd\.log ends:\n/,
    );
    expect(detached.stderr).toContain(refused);
    expect(existsSync(pidFile) || existsSync(secondSock)).toBe(false);
    // The first daemon and its container were left alone.
    expect(ok(["inspect", "--format", "{{.State.Status}}", "only-one"]).trim()).toBe("running");
    // --detach returns when the daemon serves: the next command needs no retry.
    expect(await engine.terminate()).toBe(0);
    const started = spawnSync(TSCD, [...engine.daemonArgs(), "--detach", "--pidfile", pidFile], {
      encoding: "utf8",
    });
    expect(started.stdout).toMatch(/^tscd started in the background \(pid \d+\); log: /);
    expect(ok(["ps", "-q", "--no-trunc"])).toContain(id);
    const pid = Number(readFileSync(pidFile, "utf8"));
    process.kill(pid, "SIGTERM");
    await eventually(() => !isRunning(pid), "the detached tscd gone");
    await engine.start();
    ok(["rm", "-f", "only-one"]);
  });
});
