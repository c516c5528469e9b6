/**
 * The container of a one-off `tsc-compose run`: the service's configuration with the command
 * line's overrides, Compose's one-off name and labels, on the stack's networks.
 */
import type { CreateContainerOptions, EndpointRequest } from "@tsc/agent";
import { splitShellWords } from "@tsc/compose";
import { invalidArgument } from "@tsc/core";
import type { ServiceSpec, StackNetwork } from "@tsc/manager";
import type { MountSpec } from "@tsc/runtime";
import { parsePublish, parseVolume } from "../../ctl/parse-run.js";

/** The flags of `run`, as commander collects them. */
export interface RunFlags {
  rm?: boolean;
  detach?: boolean;
  env?: string[];
  deps: boolean;
  publish?: string[];
  servicePorts?: boolean;
  entrypoint?: string;
  volume?: string[];
  workdir?: string;
  user?: string;
  name?: string;
  /** `-T` sets it false. */
  TTY?: boolean;
  /** `-l KEY=VAL` (a bare KEY is an empty label). */
  label?: string[];
  /** `--use-aliases`: the service's name and network aliases resolve to the one-off too. */
  useAliases?: boolean;
  /** `--pull`: the image pull policy, over the service's pull_policy. */
  pull?: "always" | "missing" | "never";
  capAdd?: string[];
  capDrop?: string[];
}

/** Compose's label for one-off containers (`True`) and service containers (`False`). */
export const ONEOFF_LABEL = "com.docker.compose.oneoff";

/** `-l KEY=VAL` and `-l KEY` (empty) as labels; a missing or blank key is an error. */
export function parseLabelFlags(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf("=");
    const key = i < 0 ? l : l.slice(0, i);
    if (!key || /\s/.test(key))
      throw invalidArgument(`invalid label: ${JSON.stringify(l)}`, { hint: "use -l KEY=VALUE (or -l KEY)" });
    out[key] = i < 0 ? "" : l.slice(i + 1);
  }
  return out;
}

/** `-e KEY=VAL` as given, `-e KEY` with the caller's value (dropped when unset); a missing or blank key is an error. */
export function parseEnvFlags(list: string[]): string[] {
  return list.flatMap((e) => {
    const i = e.indexOf("=");
    const key = i < 0 ? e : e.slice(0, i);
    if (!key || /\s/.test(key)) throw invalidArgument(`invalid environment variable: ${JSON.stringify(e)}`);
    if (i >= 0) return [e];
    const v = process.env[key];
    return v === undefined ? [] : [`${key}=${v}`];
  });
}

/** `base` with `extra` applied: a key set in both takes `extra`'s value. */
export function mergeEnv(base: string[], extra: string[]): string[] {
  const keyOf = (e: string) => (e.includes("=") ? e.slice(0, e.indexOf("=")) : e);
  const overridden = new Set(extra.map(keyOf));
  return [...base.filter((e) => !overridden.has(keyOf(e))), ...extra];
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/**
 * The highest free address of `subnet` (not the broadcast, the gateway or one in `used`): the
 * cluster hands out task addresses from the bottom, so a one-off taking the top does not collide
 * with tasks started later.
 */
export function pickAddress(subnet: string, gateway: string, used: Iterable<string>): string | undefined {
  const [base, bits] = subnet.split("/") as [string, string];
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(ipToInt(base) / size) * size;
  const taken = new Set([...used, gateway]);
  for (let n = first + size - 2; n > first; n--) if (!taken.has(intToIp(n))) return intToIp(n);
  return undefined;
}

/** One of the stack's networks as the one-off joins it: its name, the address chosen there, and the service's aliases on it. */
export interface OneOffNetwork {
  name: string;
  address?: string;
  /** The service's name and its aliases on this network (used with `--use-aliases`). */
  aliases?: string[];
}

/**
 * The create request of a one-off container of `spec`: the service's container with `command`
 * (and `--entrypoint`, `-e`, `-w`, `-u`, `-v`) applied, no published ports unless
 * `--service-ports` or `-p`, named `<project>-<service>-run-<slug>` unless `--name`, labelled as
 * Compose labels one-offs, never restarted, and attached to `networks` (in the service's order),
 * where with `--use-aliases` it also answers to the service's name and aliases.
 */
export function oneOffRequest(
  project: string,
  spec: ServiceSpec,
  flags: RunFlags,
  command: string[],
  opts: { slug: string; networks: OneOffNetwork[] },
): CreateContainerOptions {
  const { container } = spec;
  const entrypoint =
    flags.entrypoint === undefined ? container.entrypoint : splitShellWords(flags.entrypoint, ["entrypoint"]);
  // As `docker run --entrypoint`, a new entrypoint drops the configured command unless one is given.
  const cmd = command.length ? command : flags.entrypoint === undefined ? container.cmd : undefined;
  const mounts: MountSpec[] = [...(container.mounts ?? [])];
  const volumes = [...(container.volumes ?? [])];
  for (const v of flags.volume ?? []) parseVolume(v, mounts, volumes);
  const env = mergeEnv(container.env ?? [], parseEnvFlags(flags.env ?? []));
  const ports = [...(flags.servicePorts ? spec.ports : []), ...(flags.publish ?? []).flatMap(parsePublish)];
  const endpoints: EndpointRequest[] = opts.networks.map((n) => ({
    network: n.name,
    ...(n.address ? { ipv4Address: n.address } : {}),
    ...(flags.useAliases && n.aliases?.length ? { aliases: n.aliases } : {}),
  }));
  const capAdd = [...(container.capAdd ?? []), ...(flags.capAdd ?? [])];
  const capDrop = [...(container.capDrop ?? []), ...(flags.capDrop ?? [])];
  const { cmd: _cmd, entrypoint: _entrypoint, mounts: _m, volumes: _v, env: _e, ...base } = container;
  return {
    ...base,
    name: flags.name ?? `${project}-${spec.name}-run-${opts.slug.slice(0, 12)}`,
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd ? { cmd } : {}),
    ...(env.length ? { env } : {}),
    ...(flags.workdir ? { workingDir: flags.workdir } : {}),
    ...(flags.user ? { user: flags.user } : {}),
    ...(flags.pull ? { pull: flags.pull } : {}),
    ...(capAdd.length ? { capAdd } : {}),
    ...(capDrop.length ? { capDrop } : {}),
    ...(mounts.length ? { mounts } : {}),
    ...(volumes.length ? { volumes } : {}),
    labels: {
      ...container.labels,
      ...parseLabelFlags(flags.label ?? []),
      "com.docker.compose.project": project,
      "com.docker.compose.service": spec.name,
      [ONEOFF_LABEL]: "True",
      "com.docker.compose.slug": opts.slug,
    },
    ...(spec.healthcheck ? { healthcheck: spec.healthcheck } : {}),
    ...(ports.length ? { ports } : {}),
    networkMode: opts.networks[0]?.name ?? "none",
    ...(endpoints.length ? { endpoints } : {}),
    ...(flags.rm && flags.detach ? { autoRemove: true } : {}),
  };
}

/**
 * The stack networks `spec` joins, in its order (highest priority first): each one's name and the
 * names the service answers to there (its own and its aliases).
 */
export function serviceNetworks(
  spec: ServiceSpec,
  networks: StackNetwork[],
): { name: string; aliases: string[] }[] {
  return spec.networks.flatMap((n) => {
    const name = networks.find((x) => x.key === n.key)?.name;
    return name ? [{ name, aliases: [spec.name, ...n.aliases] }] : [];
  });
}
