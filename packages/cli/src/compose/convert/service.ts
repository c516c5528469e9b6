import type { HealthCheckConfig, Project, ServiceConfig, ServiceDependency } from "@tsc/compose";
import type { HealthConfig } from "@tsc/agent";
import type {
  PlacementSpec,
  Resources,
  ServiceDependencySpec,
  ServiceNetwork,
  ServiceSpec,
  TaskRestartPolicy,
} from "@tsc/manager";
import type { PortMapping } from "@tsc/runtime";
import { toContainerTemplate } from "./container.js";
import { durationMs } from "./durations.js";
import { configHash } from "./hash.js";
import { serviceWarnings } from "./warnings.js";

/** The label that carries a service's configHash on its containers (Compose's own label). */
export const CONFIG_HASH_LABEL = "com.docker.compose.config-hash";

/** The networks a service joins: `networks`, or the implicit `default` when it has neither networks nor network_mode. */
export function serviceNetworkKeys(svc: ServiceConfig): string[] {
  if (svc.network_mode !== undefined || svc.provider !== undefined) return [];
  return svc.networks ? Object.keys(svc.networks) : ["default"];
}

/** The ServiceSpec of service `name` of `project`, plus warnings for what it asks and the engine cannot do. */
export function toServiceSpec(
  project: Project,
  name: string,
  svc: ServiceConfig,
): { spec: ServiceSpec; warnings: string[] } {
  const warnings = serviceWarnings(name, svc);
  const { container, warnings: fileWarnings } = toContainerTemplate(project, name, svc);
  warnings.push(...fileWarnings);
  const replicas = svc.scale ?? svc.deploy?.replicas ?? 1;
  const mode = svc.deploy?.mode === "global" ? "global" : "replicated";
  let containerName = svc.container_name;
  if (containerName !== undefined && mode === "replicated" && replicas > 1) {
    warnings.push(
      `services.${name}.container_name: a service with ${replicas} replicas cannot name its container; it is ignored`,
    );
    containerName = undefined;
  }
  const parts = {
    container,
    networks: toNetworks(svc),
    ports: toPorts(svc),
    healthcheck: svc.healthcheck && toHealthcheck(svc.healthcheck),
    containerName,
    restartPolicy: toRestartPolicy(svc, name, warnings),
    placement: toPlacement(svc),
    reservations: toReservations(svc),
  };
  const hash = configHash(parts);
  const spec: ServiceSpec = {
    name,
    mode,
    replicas,
    ...parts,
    container: { ...container, labels: { ...container.labels, [CONFIG_HASH_LABEL]: hash } },
    dependsOn: toDependsOn(svc.depends_on ?? {}),
    configHash: hash,
  };
  if (spec.healthcheck === undefined) delete spec.healthcheck;
  if (spec.placement === undefined) delete spec.placement;
  if (spec.reservations === undefined) delete spec.reservations;
  if (spec.containerName === undefined) delete spec.containerName;
  return { spec, warnings };
}

/** deploy.placement's constraints, spread preferences and max_replicas_per_node (the loader checked their grammar). */
function toPlacement(svc: ServiceConfig): PlacementSpec | undefined {
  const p = svc.deploy?.placement;
  const constraints = p?.constraints ?? [];
  const maxReplicasPerNode = p?.max_replicas_per_node ?? 0;
  const preferences = (p?.preferences ?? []).flatMap((x) => (x.spread ? [x.spread] : []));
  if (constraints.length === 0 && maxReplicasPerNode === 0 && preferences.length === 0) return undefined;
  return { constraints, maxReplicasPerNode, ...(preferences.length && { preferences }) };
}

/** deploy.resources.reservations' CPUs and memory, which the scheduler sets aside on a node per task. */
function toReservations(svc: ServiceConfig): Resources | undefined {
  const r = svc.deploy?.resources?.reservations;
  const nanoCpus = Math.round((r?.cpus ?? 0) * 1e9);
  const memoryBytes = r?.memory ?? 0;
  return nanoCpus > 0 || memoryBytes > 0 ? { nanoCpus, memoryBytes } : undefined;
}

/** Attachments by priority (highest first), then key; none with a network_mode. */
function toNetworks(svc: ServiceConfig): ServiceNetwork[] {
  const nets = svc.networks ?? {};
  return serviceNetworkKeys(svc)
    .map((key) => ({ key, cfg: nets[key] ?? undefined }))
    .sort(
      (a, b) =>
        (b.cfg?.priority ?? 0) - (a.cfg?.priority ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    )
    .map(({ key, cfg }) => {
      const net: ServiceNetwork = { key, aliases: cfg?.aliases ?? [] };
      if (cfg?.ipv4_address !== undefined) net.ipv4Address = cfg.ipv4_address;
      return net;
    });
}

/** Published ports (the first port of a published range; 0 = any); sctp ones are skipped (warned). */
function toPorts(svc: ServiceConfig): PortMapping[] {
  return (svc.ports ?? []).flatMap((p) => {
    if (p.protocol === "sctp") return [];
    const hostPort = p.published ? Number(p.published.split("-")[0]) : 0;
    const m: PortMapping = { containerPort: p.target, hostPort, protocol: p.protocol };
    if (p.host_ip !== undefined) m.hostIp = p.host_ip;
    return [m];
  });
}

/** The healthcheck in milliseconds; `disable` or a `NONE` test turns the image's off. */
export function toHealthcheck(h: HealthCheckConfig): HealthConfig | undefined {
  if (h.disable || h.test?.[0] === "NONE") return { test: ["NONE"] };
  if (!h.test) return undefined;
  const out: HealthConfig = { test: h.test };
  if (h.interval !== undefined) out.intervalMs = durationMs(h.interval);
  if (h.timeout !== undefined) out.timeoutMs = durationMs(h.timeout);
  if (h.retries !== undefined) out.retries = h.retries;
  if (h.start_period !== undefined) out.startPeriodMs = durationMs(h.start_period);
  if (h.start_interval !== undefined) out.startIntervalMs = durationMs(h.start_interval);
  return out;
}

/** deploy.restart_policy when given (it wins in Compose), else `restart`; Compose's default is `no`. */
export function toRestartPolicy(svc: ServiceConfig, name: string, warnings: string[]): TaskRestartPolicy {
  const rp = svc.deploy?.restart_policy;
  if (rp) {
    return {
      condition: rp.condition ?? "any",
      maxAttempts: rp.max_attempts ?? 0,
      delayMs: rp.delay === undefined ? 0 : durationMs(rp.delay),
      windowMs: rp.window === undefined ? 0 : durationMs(rp.window),
    };
  }
  const policy: TaskRestartPolicy = { condition: "none", maxAttempts: 0, delayMs: 0, windowMs: 0 };
  const restart = svc.restart ?? "no";
  const [kind, count] = restart.split(":");
  if (kind === "always" || kind === "unless-stopped") policy.condition = "any";
  else if (kind === "on-failure") {
    policy.condition = "on-failure";
    policy.maxAttempts = count === undefined ? 0 : Number(count);
  } else if (kind !== "no")
    warnings.push(`services.${name}.restart: "${restart}" is not a restart policy; "no" is used`);
  return policy;
}

function toDependsOn(deps: Record<string, ServiceDependency>): Record<string, ServiceDependencySpec> {
  const out: Record<string, ServiceDependencySpec> = {};
  for (const key of Object.keys(deps).sort()) {
    const d = deps[key];
    if (d) out[key] = { condition: d.condition, required: d.required, restart: d.restart ?? false };
  }
  return out;
}
