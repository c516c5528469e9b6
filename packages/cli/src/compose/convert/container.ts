import type { FileObjectConfig, FileReferenceConfig, Project, ServiceConfig } from "@tsc/compose";
import type { ContainerTemplate } from "@tsc/manager";
import type { MountSpec } from "@tsc/runtime";
import { durationSeconds } from "./durations.js";

type VolumeSpec = NonNullable<ContainerTemplate["volumes"]>[number];

/** The label naming a container's compose service. */
export const SERVICE_LABEL = "com.docker.compose.service";

/** The labels Compose puts on every container of a service. */
export function serviceLabels(project: string, name: string): Record<string, string> {
  return { "com.docker.compose.project": project, [SERVICE_LABEL]: name };
}

/** The container template of service `name` (without the config-hash label), plus warnings about its secrets and configs. */
export function toContainerTemplate(
  project: Project,
  name: string,
  svc: ServiceConfig,
): { container: ContainerTemplate; warnings: string[] } {
  const warnings: string[] = [];
  const limits = svc.deploy?.resources?.limits;
  const reservations = svc.deploy?.resources?.reservations;
  const { mounts, volumes } = toMounts(project, svc);
  mounts.push(...fileMounts(project, name, svc, warnings));
  const noNewPrivileges = svc.security_opt?.some((o) => /^no-new-privileges(?:[:=]true)?$/.test(o));
  const container: ContainerTemplate = {
    image: svc.image ?? `${project.name}-${name}`,
    cmd: svc.command,
    entrypoint: svc.entrypoint,
    env: svc.environment && toEnv(svc.environment),
    workingDir: svc.working_dir,
    user: svc.user,
    hostname: svc.hostname,
    domainname: svc.domainname,
    labels: { ...svc.labels, ...serviceLabels(project.name, name) },
    mounts: mounts.length > 0 ? mounts : undefined,
    volumes: volumes.length > 0 ? volumes : undefined,
    volumesFrom: volumesFrom(svc.volumes_from),
    extraHosts: svc.extra_hosts?.map((h) => h.replace("=", ":")),
    dns: svc.dns,
    capAdd: svc.cap_add,
    capDrop: svc.cap_drop,
    privileged: svc.privileged,
    readOnly: svc.read_only,
    sysctls: svc.sysctls,
    ulimits: svc.ulimits && toUlimits(svc.ulimits),
    noNewPrivileges: noNewPrivileges || undefined,
    memory: limits?.memory ?? svc.mem_limit,
    memoryReservation: reservations?.memory ?? svc.mem_reservation,
    cpus: limits?.cpus ?? svc.cpus,
    cpuShares: svc.cpu_shares,
    pidsLimit: limits?.pids ?? svc.pids_limit,
    oomScoreAdj: svc.oom_score_adj,
    shmSize: svc.shm_size,
    init: svc.init,
    stopSignal: svc.stop_signal,
    stopTimeout: svc.stop_grace_period === undefined ? undefined : durationSeconds(svc.stop_grace_period),
    exposedPorts: svc.expose,
    pull: toPull(svc.pull_policy),
  };
  return { container: dropUndefined(container), warnings };
}

/** `K=V` for each variable with a value, in key order (Compose drops unresolved `null`s). */
function toEnv(env: Record<string, string | null>): string[] {
  return Object.keys(env)
    .sort()
    .flatMap((k) => {
      const v = env[k];
      return v === null || v === undefined ? [] : [`${k}=${v}`];
    });
}

function toUlimits(
  ulimits: NonNullable<ServiceConfig["ulimits"]>,
): NonNullable<ContainerTemplate["ulimits"]> {
  return Object.keys(ulimits)
    .sort()
    .map((n) => {
      const u = ulimits[n] ?? 0;
      return typeof u === "number" ? { name: n, soft: u, hard: u } : { name: n, soft: u.soft, hard: u.hard };
    });
}

/** `container:NAME[:mode]` → `NAME[:mode]`; other services' volumes are warned about (warnings.ts) and left out. */
function volumesFrom(from: string[] | undefined): string[] | undefined {
  const kept = from?.filter((f) => f.startsWith("container:")).map((f) => f.slice("container:".length));
  return kept && kept.length > 0 ? kept : undefined;
}

function toPull(policy: string | undefined): ContainerTemplate["pull"] {
  if (policy === undefined) return undefined;
  return policy === "always" || policy === "never" ? policy : "missing";
}

/** Binds and tmpfs mounts (from `volumes` then `tmpfs`), and named or anonymous volumes. */
function toMounts(project: Project, svc: ServiceConfig): { mounts: MountSpec[]; volumes: VolumeSpec[] } {
  const mounts: MountSpec[] = [];
  const volumes: VolumeSpec[] = [];
  for (const v of svc.volumes ?? []) {
    const readOnly = v.read_only || undefined;
    if (v.type === "bind" && v.source !== undefined) {
      const createSource = v.bind?.create_host_path || undefined;
      mounts.push({ type: "bind", source: v.source, target: v.target, readOnly, createSource });
    } else if (v.type === "tmpfs") {
      const options = [
        ...(v.tmpfs?.size !== undefined ? [`size=${v.tmpfs.size}`] : []),
        ...(v.tmpfs?.mode !== undefined ? [`mode=${v.tmpfs.mode}`] : []),
      ];
      mounts.push({
        type: "tmpfs",
        target: v.target,
        readOnly,
        options: options.length > 0 ? options : undefined,
      });
    } else if (v.type === "volume") {
      const name = v.source === undefined ? undefined : (project.volumes?.[v.source]?.name ?? v.source);
      volumes.push({ name, target: v.target, readOnly, nocopy: v.volume?.nocopy || undefined });
    }
  }
  for (const t of svc.tmpfs ?? []) {
    const at = t.indexOf(":");
    const target = at < 0 ? t : t.slice(0, at);
    const options =
      at < 0
        ? []
        : t
            .slice(at + 1)
            .split(",")
            .filter(Boolean);
    mounts.push({ type: "tmpfs", target, options: options.length > 0 ? options : undefined });
  }
  return { mounts: mounts.map(dropUndefined), volumes: volumes.map(dropUndefined) };
}

/** Read-only binds of the file-based secrets and configs the service uses. */
function fileMounts(project: Project, name: string, svc: ServiceConfig, warnings: string[]): MountSpec[] {
  const kinds = [
    { kind: "secrets", uses: svc.secrets, defs: project.secrets, dir: "/run/secrets/" },
    { kind: "configs", uses: svc.configs, defs: project.configs, dir: "/" },
  ] as const;
  const out: MountSpec[] = [];
  for (const { kind, uses, defs, dir } of kinds) {
    (uses ?? []).forEach((use: FileReferenceConfig, i) => {
      const def: FileObjectConfig | undefined = defs?.[use.source];
      const path = `services.${name}.${kind}[${i}]`;
      if (def?.file !== undefined && !def.external) {
        const target = use.target ?? use.source;
        out.push({
          type: "bind",
          source: def.file,
          target: target.startsWith("/") ? target : dir + target,
          readOnly: true,
        });
      } else {
        const from = !def
          ? "an undefined one"
          : def.external
            ? "external ones"
            : def.environment !== undefined
              ? "ones from the environment"
              : "inline content";
        warnings.push(
          `${path}: ${kind} other than files (here ${from}) are not supported yet; "${use.source}" is not mounted`,
        );
      }
    });
  }
  return out;
}

/** A copy without `undefined` members, so templates compare and print cleanly. */
function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
