import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { CreateContainerOptions, EndpointRequest } from "@tsc/agent";
import { invalidArgument } from "@tsc/core";
import type { MountSpec, PortMapping } from "@tsc/runtime";
import { parseBytes } from "../common/human.js";

/** The flags of `run` and `create`, as commander collects them. */
export interface RunFlags {
  detach?: boolean;
  interactive?: boolean;
  tty?: boolean;
  rm?: boolean;
  name?: string;
  publish?: string[];
  publishAll?: boolean;
  env?: string[];
  envFile?: string[];
  volume?: string[];
  mount?: string[];
  tmpfs?: string[];
  network?: string;
  networkAlias?: string[];
  ip?: string;
  hostname?: string;
  restart?: string;
  workdir?: string;
  user?: string;
  entrypoint?: string;
  init?: boolean;
  readOnly?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  ulimit?: string[];
  sysctl?: string[];
  label?: string[];
  healthCmd?: string;
  healthInterval?: string;
  healthRetries?: string;
  healthTimeout?: string;
  healthStartPeriod?: string;
  healthStartInterval?: string;
  noHealthcheck?: boolean;
  stopSignal?: string;
  stopTimeout?: string;
  volumesFrom?: string[];
  pull?: "always" | "missing" | "never";
  expose?: string[];
  dns?: string[];
  addHost?: string[];
}

/** Go durations (`30s`, `1m30s`, `500ms`, `2h`) in milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let total = 0;
  let rest = text;
  if (rest === "0") return 0;
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m)
      throw invalidArgument(
        `invalid argument ${JSON.stringify(text)} for "${flag}" flag: time: invalid duration`,
      );
    total += Number(m[1]) * units[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** `-p [ip:][hostPort[-end]:]containerPort[-end][/proto]` → mappings (ranges expanded). */
export function parsePublish(text: string): PortMapping[] {
  const m =
    /^(?:(\[[^\]]+\]|\d+\.\d+\.\d+\.\d+):)?(?:(\d*)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(
      text,
    );
  if (!m)
    throw invalidArgument(`invalid publish spec ${JSON.stringify(text)}`, {
      hint: "use [IP:][HOST_PORT:]CONTAINER_PORT[/PROTO]",
    });
  const [, ip, hostFrom, hostTo, ctrFrom, ctrTo, proto] = m;
  if (proto === "sctp") throw invalidArgument("sctp ports are not supported");
  // go-connections' ParsePortSpec: each side a port (≤ 65535) or an ascending range of them.
  const badRange = (from: string | undefined, to: string | undefined) =>
    Number(from) > 65535 || (to !== undefined && (Number(to) > 65535 || Number(to) < Number(from)));
  if (badRange(ctrFrom, ctrTo))
    throw invalidArgument(`Invalid containerPort: ${ctrFrom}${ctrTo ? `-${ctrTo}` : ""}`);
  if (hostFrom && badRange(hostFrom, hostTo))
    throw invalidArgument(`Invalid hostPort: ${hostFrom}${hostTo ? `-${hostTo}` : ""}`);
  const c0 = Number(ctrFrom);
  const c1 = ctrTo ? Number(ctrTo) : c0;
  const h0 = hostFrom ? Number(hostFrom) : 0;
  const h1 = hostTo ? Number(hostTo) : h0 === 0 ? 0 : h0 + (c1 - c0);
  if (h0 !== 0 && h1 - h0 !== c1 - c0)
    throw invalidArgument(`invalid ranges specified for container and host ports: ${text}`);
  const out: PortMapping[] = [];
  for (let i = 0; i <= c1 - c0; i++)
    out.push({
      containerPort: c0 + i,
      hostPort: h0 === 0 ? 0 : h0 + i,
      protocol: (proto ?? "tcp") as "tcp" | "udp",
      ...(ip ? { hostIp: ip.replace(/^\[|\]$/g, "") } : {}),
    });
  return out;
}

/** `KEY=VALUE` env files (comments and blank lines skipped; a bare KEY takes the caller's value). */
export function readEnvFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw invalidArgument(
      `open ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`,
    );
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .flatMap((l) => (l.includes("=") ? [l] : process.env[l] !== undefined ? [`${l}=${process.env[l]}`] : []));
}

/** `-e KEY=VALUE` or `-e KEY` (taken from the caller's environment, dropped when unset). */
function envEntry(e: string): string[] {
  if (e.includes("=")) return [e];
  const v = process.env[e];
  return v === undefined ? [] : [`${e}=${v}`];
}

function kv(list: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf("=");
    if (i <= 0 && flag !== "label")
      throw invalidArgument(
        `invalid argument ${JSON.stringify(item)} for "--${flag}" flag: expected KEY=VALUE`,
      );
    out[i < 0 ? item : item.slice(0, i)] = i < 0 ? "" : item.slice(i + 1);
  }
  return out;
}

type Volumes = NonNullable<CreateContainerOptions["volumes"]>;

/** `-v SRC:DST[:ro|rw]`: a host path (absolute or ./relative) binds; a name is a named volume; `DST` alone anonymous. */
export function parseVolume(text: string, mounts: MountSpec[], volumes: Volumes): void {
  const parts = text.split(":");
  const [src, dst, mode] =
    parts.length === 1 ? [undefined, parts[0]!, undefined] : [parts[0]!, parts[1], parts[2]];
  if (!dst || !isAbsolute(dst))
    throw invalidArgument(`invalid volume specification: ${JSON.stringify(text)}`, {
      hint: "the container path must be absolute",
    });
  if (mode && !/^(ro|rw)(,.*)?$|^[zZ]$/.test(mode))
    throw invalidArgument(`invalid mode ${JSON.stringify(mode)} in volume ${JSON.stringify(text)}`);
  const readOnly = mode?.startsWith("ro") ?? false;
  if (src === undefined) volumes.push({ target: dst, readOnly });
  else if (src.startsWith("/") || src.startsWith(".") || src.startsWith("~"))
    mounts.push({
      type: "bind",
      source: resolve(src.replace(/^~/, process.env.HOME ?? "~")),
      target: dst,
      readOnly,
      createSource: true,
    });
  else volumes.push({ name: src, target: dst, readOnly });
}

/** `--mount type=bind|volume|tmpfs,source=…,target=…,readonly,tmpfs-size=…`. */
export function parseMount(text: string, mounts: MountSpec[], volumes: Volumes): void {
  const f: Record<string, string> = {};
  for (const part of text.split(",")) {
    const i = part.indexOf("=");
    f[(i < 0 ? part : part.slice(0, i)).toLowerCase()] = i < 0 ? "true" : part.slice(i + 1);
  }
  const type = f.type ?? "volume";
  const target = f.target ?? f.destination ?? f.dst;
  const source = f.source ?? f.src;
  const readOnly = ["true", "1"].includes(f.readonly ?? f.ro ?? "false");
  if (!target) throw invalidArgument(`invalid mount ${JSON.stringify(text)}: target is required`);
  if (type === "bind") {
    if (!source)
      throw invalidArgument(`invalid mount ${JSON.stringify(text)}: source is required for bind mounts`);
    mounts.push({ type: "bind", source: resolve(source), target, readOnly });
  } else if (type === "volume")
    volumes.push({
      ...(source ? { name: source } : {}),
      target,
      readOnly,
      ...(f["volume-nocopy"] ? { nocopy: true } : {}),
    });
  else if (type === "tmpfs")
    mounts.push({
      type: "tmpfs",
      target,
      options: [
        ...(f["tmpfs-size"] ? [`size=${f["tmpfs-size"]}`] : []),
        ...(f["tmpfs-mode"] ? [`mode=${f["tmpfs-mode"]}`] : []),
      ],
    });
  else
    throw invalidArgument(`invalid mount type ${JSON.stringify(type)}`, {
      hint: "use bind, volume or tmpfs",
    });
}

function ulimit(text: string): { name: string; soft: number; hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(text);
  if (!m)
    throw invalidArgument(`invalid ulimit ${JSON.stringify(text)}`, {
      hint: "use NAME=SOFT[:HARD], e.g. nofile=1024:2048",
    });
  return { name: m[1]!, soft: Number(m[2]), hard: Number(m[3] ?? m[2]) };
}

function int(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n))
    throw invalidArgument(`invalid argument ${JSON.stringify(text)} for "--${flag}" flag`);
  return n;
}

/** Turns `run`/`create` flags, the image and the command into the daemon's create options. */
export function buildCreateOptions(
  flags: RunFlags,
  image: string,
  command: string[],
): CreateContainerOptions {
  const mounts: MountSpec[] = [];
  const volumes: Volumes = [];
  for (const v of flags.volume ?? []) parseVolume(v, mounts, volumes);
  for (const m of flags.mount ?? []) parseMount(m, mounts, volumes);
  for (const t of flags.tmpfs ?? []) {
    const [target, opts] = t.split(":", 2) as [string, string | undefined];
    mounts.push({ type: "tmpfs", target, options: opts ? opts.split(",") : [] });
  }
  const env = [...(flags.envFile ?? []).flatMap(readEnvFile), ...(flags.env ?? []).flatMap(envEntry)];
  const network = flags.network ?? "bridge";
  const endpoints: EndpointRequest[] =
    flags.networkAlias?.length || flags.ip
      ? [
          {
            network,
            ...(flags.networkAlias?.length ? { aliases: flags.networkAlias } : {}),
            ...(flags.ip ? { ipv4Address: flags.ip } : {}),
          },
        ]
      : [];
  const health = flags.noHealthcheck
    ? { test: ["NONE"] }
    : flags.healthCmd
      ? {
          test: ["CMD-SHELL", flags.healthCmd],
          ...(flags.healthInterval
            ? { intervalMs: parseDuration(flags.healthInterval, "--health-interval") }
            : {}),
          ...(flags.healthTimeout
            ? { timeoutMs: parseDuration(flags.healthTimeout, "--health-timeout") }
            : {}),
          ...(flags.healthStartPeriod
            ? { startPeriodMs: parseDuration(flags.healthStartPeriod, "--health-start-period") }
            : {}),
          ...(flags.healthStartInterval
            ? { startIntervalMs: parseDuration(flags.healthStartInterval, "--health-start-interval") }
            : {}),
          ...(flags.healthRetries ? { retries: int(flags.healthRetries, "health-retries")! } : {}),
        }
      : undefined;
  const memory = flags.memory ? parseBytes(flags.memory) : undefined;
  const o: CreateContainerOptions = {
    image,
    ...(flags.name ? { name: flags.name } : {}),
    ...(command.length ? { cmd: command } : {}),
    ...(flags.entrypoint !== undefined
      ? { entrypoint: flags.entrypoint === "" ? [] : [flags.entrypoint] }
      : {}),
    ...(env.length ? { env } : {}),
    ...(flags.workdir ? { workingDir: flags.workdir } : {}),
    ...(flags.user ? { user: flags.user } : {}),
    ...(flags.hostname ? { hostname: flags.hostname } : {}),
    ...(flags.label?.length ? { labels: kv(flags.label, "label") } : {}),
    ...(mounts.length ? { mounts } : {}),
    ...(volumes.length ? { volumes } : {}),
    ...(flags.volumesFrom?.length ? { volumesFrom: flags.volumesFrom } : {}),
    ...(flags.addHost?.length ? { extraHosts: flags.addHost } : {}),
    ...(flags.dns?.length ? { dns: flags.dns } : {}),
    ...(flags.capAdd?.length ? { capAdd: flags.capAdd } : {}),
    ...(flags.capDrop?.length ? { capDrop: flags.capDrop } : {}),
    ...(flags.privileged ? { privileged: true } : {}),
    ...(flags.readOnly ? { readOnly: true } : {}),
    ...(flags.sysctl?.length ? { sysctls: kv(flags.sysctl, "sysctl") } : {}),
    ...(flags.ulimit?.length ? { ulimits: flags.ulimit.map(ulimit) } : {}),
    ...(memory !== undefined ? { memory } : {}),
    ...(flags.cpus ? { cpus: int(flags.cpus, "cpus")! } : {}),
    ...(flags.pidsLimit ? { pidsLimit: int(flags.pidsLimit, "pids-limit")! } : {}),
    ...(flags.init ? { init: true } : {}),
    ...(flags.stopSignal ? { stopSignal: flags.stopSignal } : {}),
    ...(flags.stopTimeout ? { stopTimeout: int(flags.stopTimeout, "stop-timeout")! } : {}),
    ...(flags.restart && flags.restart !== "no" ? { restart: flags.restart } : {}),
    networkMode: network,
    ...(endpoints.length ? { endpoints } : {}),
    ...(flags.publish?.length ? { ports: flags.publish.flatMap(parsePublish) } : {}),
    ...(flags.publishAll ? { publishAll: true } : {}),
    ...(flags.expose?.length ? { exposedPorts: flags.expose } : {}),
    ...(health ? { healthcheck: health } : {}),
    ...(flags.rm ? { autoRemove: true } : {}),
    ...(flags.interactive ? { openStdin: true } : {}),
    ...(flags.tty ? { tty: true } : {}),
    pull: flags.pull ?? "missing",
  };
  return o;
}
