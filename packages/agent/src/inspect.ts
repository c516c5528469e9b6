import type { BundleLayout, ContainerRecord, NetworkRecord, PortMapping } from "@tsc/runtime";
import { expandPortSpec } from "./ports.js";
import type { ContainerMeta, HealthState } from "./types.js";

const NS_PER_MS = 1_000_000;

/** `{"80/tcp": [{HostIp, HostPort}]}` as Docker's NetworkSettings.Ports shows published ports. */
export function portMap(
  ports: PortMapping[],
  exposed: string[] = [],
): Record<string, { HostIp: string; HostPort: string }[] | null> {
  const out: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const e of exposed) out[e] = null;
  for (const p of ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    (out[key] ??= []).push({ HostIp: p.hostIp ?? "0.0.0.0", HostPort: String(p.hostPort ?? "") });
  }
  return out;
}

/**
 * Docker's HostConfig.PortBindings: the `-p` bindings as requested, a list per container port
 * (`{"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "8081"}, {"HostIp": "", "HostPort": ""}]}`),
 * with HostPort "" for a random host port.
 */
export function portBindings(
  requested: PortMapping[],
): Record<string, { HostIp: string; HostPort: string }[]> {
  const out: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of requested)
    (out[`${p.containerPort}/${p.protocol}`] ??= []).push({
      HostIp: p.hostIp ?? "",
      HostPort: p.hostPort ? String(p.hostPort) : "",
    });
  return out;
}

/**
 * Docker's Config.ExposedPorts keys: the image's EXPOSE, `--expose` (ranges expanded: `90-91/udp`
 * → `90/udp`, `91/udp`) and every published port, each once, as `PORT/PROTO`.
 */
export function exposedPortKeys(specs: string[], published: PortMapping[]): string[] {
  const keys = specs.flatMap(expandPortSpec).map((e) => `${e.port}/${e.protocol}`);
  for (const p of published) keys.push(`${p.containerPort}/${p.protocol}`);
  return [...new Set(keys)];
}

/** A container's mounts as `docker inspect` lists them (`Mounts`): binds, tmpfs, volumes. */
export function mountsOf(rec: ContainerRecord): Record<string, unknown>[] {
  const runMounts = (rec.runSpec ?? rec.spec).mounts ?? [];
  const volumeTargets = new Set((rec.volumes ?? []).map((v) => v.target));
  const out: Record<string, unknown>[] = [];
  for (const m of rec.spec.mounts ?? [])
    out.push({
      Type: m.type,
      Source: m.source ?? "",
      Destination: m.target,
      Mode: m.readOnly ? "ro" : "",
      RW: !m.readOnly,
      Propagation: m.type === "bind" ? "rprivate" : "",
    });
  for (const v of rec.volumes ?? [])
    out.push({
      Type: "volume",
      Name: v.name,
      Source: runMounts.find((m) => m.target === v.target)?.source ?? "",
      Destination: v.target,
      Driver: "local",
      Mode: v.readOnly ? "ro" : "z",
      RW: !v.readOnly,
      Propagation: "",
    });
  // Binds inherited through volumes-from appear in the run spec only.
  for (const m of runMounts)
    if (!volumeTargets.has(m.target) && !(rec.spec.mounts ?? []).some((s) => s.target === m.target))
      out.push({
        Type: m.type,
        Source: m.source ?? "",
        Destination: m.target,
        Mode: "",
        RW: !m.readOnly,
        Propagation: "",
      });
  return out;
}

/** The `docker inspect` document of a container, with Docker's field names. */
export function inspectContainer(
  rec: ContainerRecord,
  meta: ContainerMeta | undefined,
  health: HealthState | undefined,
  networks: Map<string, NetworkRecord>,
  extra: { files?: Pick<BundleLayout, "log" | "resolvConf" | "hosts" | "hostname"> } = {},
): Record<string, unknown> {
  const s = rec.spec;
  const cfg = rec.imageConfig;
  const endpoints = meta?.endpoints ?? [];
  const first = endpoints[0];
  const bindings = meta?.portBindings ?? meta?.ports ?? [];
  const exposed = exposedPortKeys(
    [...Object.keys(cfg.ExposedPorts ?? {}), ...(meta?.exposedPorts ?? [])],
    [...bindings, ...(meta?.ports ?? [])],
  );
  const ports = portMap(meta?.ports ?? [], exposed);
  return {
    Id: rec.id,
    Created: rec.created,
    Path: rec.args[0] ?? "",
    Args: rec.args.slice(1),
    State: {
      Status: rec.status,
      Running: rec.status === "running" || rec.status === "paused",
      Paused: rec.status === "paused",
      Restarting: rec.status === "restarting",
      OOMKilled: false,
      Dead: rec.status === "dead",
      Pid: rec.pid,
      ExitCode: rec.exitCode,
      Error: rec.error ?? "",
      StartedAt: rec.startedAt ?? "0001-01-01T00:00:00Z",
      FinishedAt: rec.finishedAt ?? "0001-01-01T00:00:00Z",
      ...(health ? { Health: health } : {}),
    },
    Image: rec.imageId,
    ResolvConfPath: extra.files?.resolvConf ?? "",
    HostnamePath: extra.files?.hostname ?? "",
    HostsPath: extra.files?.hosts ?? "",
    LogPath: extra.files?.log ?? "",
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: "overlay",
    Platform: "linux",
    HostConfig: {
      NetworkMode: meta?.networkMode ?? "bridge",
      PortBindings: portBindings(bindings),
      PublishAllPorts: meta?.publishAll ?? false,
      RestartPolicy: {
        Name: s.restartPolicy?.name ?? "no",
        MaximumRetryCount: s.restartPolicy?.maximumRetryCount ?? 0,
      },
      AutoRemove: meta?.autoRemove ?? false,
      Binds: (s.mounts ?? [])
        .filter((m) => m.type === "bind")
        .map((m) => `${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`),
      VolumesFrom: s.volumesFrom ?? null,
      CapAdd: s.capAdd ?? null,
      CapDrop: s.capDrop ?? null,
      Dns: meta?.dnsUpstreams ?? s.dns ?? [], // its resolv.conf names the embedded DNS instead
      ExtraHosts: s.extraHosts ?? null,
      Privileged: s.privileged ?? false,
      ReadonlyRootfs: s.readOnly ?? false,
      Init: s.init ?? false,
      Memory: s.memory ?? 0,
      // Docker stores --cpus as NanoCpus only; CpuQuota/CpuPeriod stay 0 (they are --cpu-quota/-period).
      NanoCpus: Math.round((s.cpus ?? 0) * 1e9),
      CpuQuota: 0,
      CpuPeriod: 0,
      PidsLimit: s.pidsLimit ?? null,
      Ulimits: (s.ulimits ?? []).map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      Sysctls: s.sysctls ?? {},
      Tmpfs: Object.fromEntries(
        (s.mounts ?? [])
          .filter((m) => m.type === "tmpfs")
          .map((m) => [m.target, (m.options ?? []).join(",")]),
      ),
    },
    Mounts: mountsOf(rec),
    Config: {
      Hostname: s.hostname ?? rec.id.slice(0, 12),
      Domainname: s.domainname ?? "",
      User: s.user ?? cfg.User ?? "",
      ExposedPorts: Object.fromEntries(exposed.map((e) => [e, {}])),
      Tty: s.tty ?? false,
      OpenStdin: s.openStdin ?? false,
      StdinOnce: s.stdinOnce ?? false,
      Env: [...(cfg.Env ?? []), ...(s.env ?? [])],
      Cmd: s.cmd ?? (s.entrypoint ? null : (cfg.Cmd ?? null)),
      Healthcheck: meta?.healthcheck
        ? {
            Test: meta.healthcheck.test,
            Interval: (meta.healthcheck.intervalMs ?? 0) * NS_PER_MS,
            Timeout: (meta.healthcheck.timeoutMs ?? 0) * NS_PER_MS,
            Retries: meta.healthcheck.retries ?? 0,
            StartPeriod: (meta.healthcheck.startPeriodMs ?? 0) * NS_PER_MS,
          }
        : undefined,
      Image: rec.imageRef,
      Volumes: cfg.Volumes ?? null,
      WorkingDir: s.workingDir ?? cfg.WorkingDir ?? "",
      Entrypoint: s.entrypoint ?? cfg.Entrypoint ?? null,
      Labels: { ...(cfg.Labels ?? {}), ...(s.labels ?? {}) },
      StopSignal: s.stopSignal ?? cfg.StopSignal ?? "SIGTERM",
      StopTimeout: s.stopTimeout ?? 10,
    },
    NetworkSettings: {
      SandboxID: meta?.sandbox ?? "",
      SandboxKey: meta?.sandbox ? `/run/netns/tsc-${meta.sandbox.slice(0, 12)}` : "",
      Ports: ports,
      Gateway: first?.gateway ?? "",
      IPAddress: first?.ipAddress ?? "",
      IPPrefixLen: first?.prefixLen ?? 0,
      MacAddress: first?.macAddress ?? "",
      Networks: Object.fromEntries(
        endpoints.map((e) => [
          e.network,
          {
            Aliases: e.aliases.length ? e.aliases : null,
            NetworkID: networks.get(e.networkId)?.id ?? e.networkId,
            EndpointID: `${meta?.sandbox ?? ""}-${e.ifName}`,
            Gateway: e.gateway,
            IPAddress: e.ipAddress,
            IPPrefixLen: e.prefixLen,
            MacAddress: e.macAddress,
            DNSNames: [rec.name, rec.id.slice(0, 12), ...e.aliases],
          },
        ]),
      ),
    },
  };
}

/** The `docker network inspect` document. */
export function inspectNetwork(
  net: NetworkRecord,
  attached: { id: string; name: string; ep: ContainerMeta["endpoints"][number] }[],
): Record<string, unknown> {
  return {
    Name: net.name,
    Id: net.id,
    Created: net.created,
    Scope: "local",
    Driver: net.driver,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: {}, Config: [{ Subnet: net.subnet, Gateway: net.gateway }] },
    Internal: net.internal,
    Attachable: false,
    Containers: Object.fromEntries(
      attached.map((a) => [
        a.id,
        {
          Name: a.name,
          MacAddress: a.ep.macAddress,
          IPv4Address: `${a.ep.ipAddress}/${a.ep.prefixLen}`,
          IPv6Address: "",
        },
      ]),
    ),
    Options: { "com.docker.network.bridge.name": net.bridge },
    Labels: net.labels,
  };
}
