import type { OciImageConfig } from "../image/oci.js";
import { KNOWN_CAPABILITIES } from "./capabilities.js";
import type { ProcessUser } from "./users.js";
import type { ContainerSpec } from "./types.js";

/** Docker's default capability set. */
export const DEFAULT_CAPABILITIES = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

const MASKED_PATHS = [
  "/proc/asound",
  "/proc/acpi",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
];
const READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];
const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Where tini is mounted for `init: true` (Docker's path). */
export const INIT_PATH = "/sbin/docker-init";

/** The bundle's files bind-mounted into every container, by destination. */
const BUNDLE_FILE_MOUNTS = [
  ["/etc/hosts", "hosts"],
  ["/etc/hostname", "hostname"],
  ["/etc/resolv.conf", "resolvConf"],
] as const;

/**
 * Files the runtime bind-mounts over a container's rootfs (the bundle's and `--init`'s): runc
 * creates an empty file for each one the image lacks, which is not a change of the container's.
 */
export const RUNTIME_FILE_MOUNTS: readonly string[] = [...BUNDLE_FILE_MOUNTS.map(([d]) => d), INIT_PATH];

/** Files of the bundle the spec refers to. */
export interface BundleFiles {
  rootfs: string;
  hosts: string;
  hostname: string;
  resolvConf: string;
  /** The host's tini, for `init`. */
  initBinary?: string;
}

/** The process arguments, with Docker's rules: `--entrypoint` resets the image CMD. */
export function processArgs(spec: ContainerSpec, image: OciImageConfig): string[] {
  const entrypoint = spec.entrypoint ?? image.Entrypoint ?? [];
  const cmd = spec.cmd ?? (spec.entrypoint ? [] : (image.Cmd ?? []));
  return [...entrypoint, ...cmd];
}

/** Environment: image ENV, then the spec's (by name), with PATH and HOSTNAME defaults. */
export function processEnv(spec: ContainerSpec, image: OciImageConfig, hostname: string): string[] {
  const env = new Map<string, string>();
  const add = (e: string) => env.set(e.split("=")[0]!, e);
  add(DEFAULT_PATH);
  add(`HOSTNAME=${hostname}`);
  // Docker sets TERM for a terminal; the image and the spec may override it.
  if (spec.tty) add("TERM=xterm");
  for (const e of image.Env ?? []) add(e);
  for (const e of spec.env ?? []) add(e);
  return [...env.values()];
}

/** The process's capabilities: Docker's defaults with cap_add/cap_drop, or all of `bounding` when privileged. */
function capabilities(spec: ContainerSpec, bounding: readonly string[]): string[] {
  if (spec.privileged) return [...bounding];
  const norm = (c: string) =>
    c.toUpperCase().startsWith("CAP_") ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
  const drop = new Set((spec.capDrop ?? []).map(norm));
  const add = (spec.capAdd ?? []).map(norm);
  const base = drop.has("CAP_ALL") ? [] : DEFAULT_CAPABILITIES.filter((c) => !drop.has(c));
  const all = add.includes("CAP_ALL") ? bounding : [...new Set([...base, ...add])];
  return all.filter((c) => !drop.has(c) || add.includes(c));
}

function resources(spec: ContainerSpec): Record<string, unknown> {
  const r: Record<string, unknown> = {
    devices: [
      { allow: false, access: "rwm" },
      ...DEFAULT_DEVICES.map((d) => ({ allow: true, type: "c", major: d[0], minor: d[1], access: "rwm" })),
    ],
  };
  const memory: Record<string, number> = {};
  if (spec.memory) memory.limit = spec.memory;
  if (spec.memoryReservation) memory.reservation = spec.memoryReservation;
  if (Object.keys(memory).length) r.memory = memory;
  const cpu: Record<string, number> = {};
  if (spec.cpus) Object.assign(cpu, { quota: Math.round(spec.cpus * 100_000), period: 100_000 });
  if (spec.cpuShares) cpu.shares = spec.cpuShares;
  if (Object.keys(cpu).length) r.cpu = cpu;
  if (spec.pidsLimit) r.pids = { limit: spec.pidsLimit };
  return r;
}

/** null, zero, full, random, urandom, tty, console, ptmx, pts/* — as runc's default spec allows. */
const DEFAULT_DEVICES: [number, number][] = [
  [1, 3],
  [1, 5],
  [1, 7],
  [1, 8],
  [1, 9],
  [5, 0],
  [5, 1],
  [5, 2],
  [136, -1],
];

/**
 * The OCI runtime spec (config.json) for a container: image config merged with the spec, Docker's
 * defaults for capabilities, masked and read-only paths, /dev, /dev/shm and the generated
 * /etc/hosts, /etc/hostname and /etc/resolv.conf. Pure: the same inputs give the same JSON.
 */
export function generateOciSpec(opts: {
  id: string;
  spec: ContainerSpec;
  image: OciImageConfig;
  user: ProcessUser;
  hostname: string;
  files: BundleFiles;
  /**
   * The capabilities the engine itself may pass on (its bounding set, see processBoundingSet): all
   * a privileged container gets. Default: every known capability.
   */
  boundingSet?: readonly string[];
}): Record<string, unknown> {
  const { spec, image, user, hostname, files } = opts;
  let args = processArgs(spec, image);
  if (spec.init) args = [INIT_PATH, "--", ...args];
  const caps = capabilities(spec, opts.boundingSet ?? KNOWN_CAPABILITIES);
  const rw = (ro: boolean | undefined) => (ro ? "ro" : "rw");
  const mounts: Record<string, unknown>[] = [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${spec.shmSize ?? 64 * 1024 * 1024}`],
    },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
    {
      destination: "/sys/fs/cgroup",
      type: "cgroup",
      source: "cgroup",
      options: ["nosuid", "noexec", "nodev", "relatime", "ro"],
    },
    ...BUNDLE_FILE_MOUNTS.map(([destination, file]) => ({
      destination,
      type: "bind",
      source: files[file],
      options: ["rbind", "rprivate", rw(spec.readOnly)],
    })),
  ];
  if (spec.init && files.initBinary)
    mounts.push({ destination: INIT_PATH, type: "bind", source: files.initBinary, options: ["rbind", "ro"] });
  for (const m of spec.mounts ?? []) {
    if (m.type === "bind")
      mounts.push({
        destination: m.target,
        type: "bind",
        source: m.source,
        options: ["rbind", ...(m.options ?? ["rprivate"]), rw(m.readOnly)],
      });
    else
      mounts.push({
        destination: m.target,
        type: "tmpfs",
        source: "tmpfs",
        options: ["nosuid", "nodev", ...(m.options ?? []), rw(m.readOnly)],
      });
  }
  const namespaces: Record<string, unknown>[] = [
    { type: "pid" },
    { type: "ipc" },
    { type: "uts" },
    { type: "mount" },
  ];
  const net = spec.network ?? { type: "none" };
  if (net.type === "none") namespaces.push({ type: "network" });
  else if (net.type === "netns") namespaces.push({ type: "network", path: net.path });
  else if (net.type === "container")
    throw new Error("container network mode must be resolved to a netns path before generating the spec");
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: spec.tty ?? false,
      user: {
        uid: user.uid,
        gid: user.gid,
        ...(user.additionalGids.length ? { additionalGids: user.additionalGids } : {}),
      },
      args,
      env: processEnv(spec, image, hostname),
      cwd: spec.workingDir || image.WorkingDir || "/",
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      // Without ulimits the process inherits the host's limits, as under dockerd.
      rlimits: (spec.ulimits ?? []).map((u) => ({
        type: `RLIMIT_${u.name.toUpperCase()}`,
        soft: u.soft,
        hard: u.hard,
      })),
      noNewPrivileges: spec.noNewPrivileges ?? false,
      ...(spec.oomScoreAdj !== undefined ? { oomScoreAdj: spec.oomScoreAdj } : {}),
    },
    root: { path: files.rootfs, readonly: spec.readOnly ?? false },
    hostname,
    ...(spec.domainname ? { domainname: spec.domainname } : {}),
    mounts,
    linux: {
      namespaces,
      cgroupsPath: `/tsc/${opts.id}`,
      resources: resources(spec),
      ...(spec.sysctls ? { sysctl: spec.sysctls } : {}),
      ...(spec.privileged ? {} : { maskedPaths: MASKED_PATHS, readonlyPaths: READONLY_PATHS }),
    },
  };
}
