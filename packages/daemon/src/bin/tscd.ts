import { spawn } from "node:child_process";
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { Command, Option } from "commander";
import { DEFAULT_HOST, parseHost } from "@tsc/api";
import { isTscError } from "@tsc/core";
import { Daemon } from "../daemon.js";
import { ensureTmpfsExecRoot } from "../exec-root.js";

const LEVELS = ["debug", "info", "warn", "error"] as const;
const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const program = new Command("tscd")
  .description("The tsc engine daemon: owns this host's containers and serves the tsc API")
  .option("--data-root <dir>", "root of persistent state", "/var/lib/tsc")
  .option("--exec-root <dir>", "root of runtime state", "/run/tsc")
  .option("-H, --host <address...>", `listen address (unix:///path or tcp://ADDR:PORT)`, [DEFAULT_HOST])
  .option("--tlscacert <file>", "CA that client certificates must chain to (TCP)")
  .option("--tlscert <file>", "server certificate (TCP)")
  .option("--tlskey <file>", "server key (TCP)")
  .addOption(new Option("--log-level <level>", "log level").choices(LEVELS).default("info"))
  .option("--insecure-registry <host...>", "registries to reach over plain HTTP", [])
  .option("--default-address-pool <cidr>", "pool the networks' subnets come from", "10.88.0.0/16")
  .option("--dns-port <port>", "port of the embedded DNS on each network gateway (0 = off)", "53")
  .option(
    "--etcd-endpoints <urls>",
    "etcd client URLs, comma-separated (default: a local etcd under the data root)",
  )
  .option("--etcd-cacert <file>", "CA of the etcd servers")
  .option("--etcd-cert <file>", "client certificate for etcd")
  .option("--etcd-key <file>", "client key for etcd")
  .option("--cluster-address-pool <cidr>", "pool the stack networks' subnets come from", "10.90.0.0/16")
  .option(
    "--label <key=value...>",
    "a label of this daemon (placement constraints see engine.labels.KEY)",
    [],
  )
  .option("--trace-api", "log every API call and reply as JSON (secrets redacted)")
  .option("-d, --detach", "run in the background (writes --pidfile and a log under the data root)")
  .option("-p, --pidfile <file>", "pid file", "/run/tsc/tscd.pid")
  .version(`tscd version ${VERSION}`, "-v, --version", "print the version")
  .showHelpAfterError();

interface Opts {
  dataRoot: string;
  execRoot: string;
  host: string[];
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  logLevel: (typeof LEVELS)[number];
  insecureRegistry: string[];
  defaultAddressPool: string;
  dnsPort: string;
  etcdEndpoints?: string;
  etcdCacert?: string;
  etcdCert?: string;
  etcdKey?: string;
  clusterAddressPool: string;
  label: string[];
  traceApi?: boolean;
  detach?: boolean;
  pidfile: string;
}

/** The fd on which a daemon started by `--detach` says it is serving (its parent waits for it). */
const READY_FD_ENV = "TSCD_READY_FD";
const READY_TIMEOUT_MS = 120_000;

/**
 * `--detach`: starts the daemon in its own session with its output in a log, and returns once it
 * serves (so `tscd --detach && tscctl ps` works). A daemon that exits first fails this with the log's
 * last lines.
 */
async function detach(opts: Opts): Promise<void> {
  const logFile = join(opts.dataRoot, "tscd.log");
  mkdirSync(opts.dataRoot, { recursive: true });
  const out = openSync(logFile, "a");
  const logStart = fstatSync(out).size;
  const args = process.argv.slice(1).filter((a) => a !== "-d" && a !== "--detach");
  // With Node's own flags (the bin's #! line sets the heap's young generation).
  const child = spawn(process.execPath, [...process.execArgv, ...args], {
    detached: true,
    stdio: ["ignore", out, out, "pipe"],
    env: { ...process.env, [READY_FD_ENV]: "3" },
  });
  const ready = child.stdio[3] as Readable;
  const outcome = await new Promise<"ready" | "timeout" | number>((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), READY_TIMEOUT_MS);
    ready.once("data", () => (clearTimeout(timer), resolve("ready")));
    child.once("exit", (code, signal) => (clearTimeout(timer), resolve(code ?? (signal ? 128 : 1))));
  });
  ready.destroy();
  child.unref();
  if (outcome === "ready") {
    mkdirSync(dirname(opts.pidfile), { recursive: true });
    writeFileSync(opts.pidfile, `${child.pid}\n`);
    process.stdout.write(`tscd started in the background (pid ${child.pid}); log: ${logFile}\n`);
    return;
  }
  const tail = readFileSync(logFile).subarray(logStart).toString().trimEnd().split("\n").slice(-5).join("\n");
  throw new Error(
    outcome === "timeout"
      ? `the daemon (pid ${child.pid}) did not start serving within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`
      : `the daemon exited (code ${outcome}) before it was serving; its log ${logFile} ends:\n${tail}`,
  );
}

/** The ready fd a `--detach` parent gave, taken out of the environment its children inherit. */
const readyFd = Number(process.env[READY_FD_ENV]);
delete process.env[READY_FD_ENV];

/** Tells the parent of `--detach`, if any, that the daemon serves. */
function notifyReady(): void {
  if (!Number.isInteger(readyFd) || readyFd < 3) return;
  try {
    writeSync(readyFd, "ready\n");
    closeSync(readyFd);
  } catch {
    // the parent gave up waiting
  }
}

/** `--label k=v` flags as a map; a flag without `=` is a usage error. */
function parseLabels(flags: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf("=");
    if (eq <= 0) throw new Error(`--label ${JSON.stringify(f)}: expected KEY=VALUE`);
    labels[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return labels;
}

/** Removes the pid files that still name this process (a later daemon's are left alone), as dockerd does on exit. */
function removeOwnPidFiles(files: string[]): void {
  for (const f of new Set(files)) {
    try {
      if (readFileSync(f, "utf8").trim() === String(process.pid)) rmSync(f);
    } catch {
      // not there, or not ours to read
    }
  }
}

async function main(): Promise<void> {
  program.parse();
  const opts = program.opts<Opts>();
  // Bad flags are refused before anything changes on the host (no exec root mounted, no fork).
  const tls =
    opts.tlscacert && opts.tlscert && opts.tlskey
      ? { ca: opts.tlscacert, cert: opts.tlscert, key: opts.tlskey }
      : undefined;
  const hosts = opts.host.map(parseHost);
  if (hosts.some((h) => h.kind === "tcp") && !tls)
    throw new Error(
      "listening on TCP needs --tlscacert, --tlscert and --tlskey (clients are verified with mutual TLS)",
    );
  const labels = parseLabels(opts.label);
  if (process.getuid?.() !== 0)
    throw new Error("tscd must run as root (it manages namespaces, mounts and cgroups)");
  // Before anything is written there (the pid file of --detach included).
  const execRoot = ensureTmpfsExecRoot(opts.execRoot);
  if (opts.detach) return detach(opts);
  const level = LEVELS.indexOf(opts.logLevel);
  const log = (line: string): void => {
    const lvl = line.startsWith("warning") ? 2 : line.startsWith("error") ? 3 : 1;
    if (lvl >= level || line.startsWith("trace "))
      process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  };
  const daemon = await Daemon.start({
    dataRoot: opts.dataRoot,
    runRoot: opts.execRoot,
    hosts,
    ...(tls ? { tls } : {}),
    traceApi: opts.traceApi ?? false,
    insecureRegistries: opts.insecureRegistry,
    addressPool: opts.defaultAddressPool,
    dnsPort: Number(opts.dnsPort),
    ...(opts.etcdEndpoints ? { etcdEndpoints: opts.etcdEndpoints.split(",").map((s) => s.trim()) } : {}),
    ...(opts.etcdCacert && opts.etcdCert && opts.etcdKey
      ? {
          etcdTls: {
            ca: readFileSync(opts.etcdCacert),
            cert: readFileSync(opts.etcdCert),
            key: readFileSync(opts.etcdKey),
          },
        }
      : {}),
    clusterAddressPool: opts.clusterAddressPool,
    labels,
    log,
  });
  const pidFiles = [join(opts.execRoot, "tscd.pid"), opts.pidfile];
  writeFileSync(pidFiles[0]!, `${process.pid}\n`);
  log(`tscd ${VERSION} serving on ${opts.host.join(", ")} (data root ${opts.dataRoot})`);
  if (execRoot === "mounted")
    log(`mounted a tmpfs on the exec root ${opts.execRoot} (runtime state is volatile)`);
  else if (execRoot === "kept")
    log(`note: the exec root ${opts.execRoot} is not on a tmpfs; its runtime state will outlive a reboot`);
  notifyReady();
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping; containers keep running`);
    void daemon.stop().then(() => {
      removeOwnPidFiles(pidFiles);
      process.exit(0);
    });
  };
  // A failure nobody awaited must not take the host's containers' daemon down: log it.
  process.on("unhandledRejection", (e) => log(`error: unhandled: ${(e as Error)?.message ?? String(e)}`));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e: unknown) => {
  const msg = isTscError(e) || e instanceof Error ? e.message : String(e);
  process.stderr.write(`tscd: ${msg}\n`);
  process.exit(1);
});
