/**
 * Turns a loaded compose project into the cluster's StackSpec, the way Docker Compose v2 would run
 * it, and says what it had to leave out: every set key the engine does not honour yields a warning.
 */
import type { NetworkConfig, Project, VolumeConfig } from "@tsc/compose";
import type { ServiceSpec, StackNetwork, StackSpec, StackVolume } from "@tsc/manager";
import { serviceNetworkKeys, toServiceSpec } from "./service.js";
import { networkWarnings, volumeWarnings } from "./warnings.js";

/** The stack for `project`, plus a warning for every compose key the engine does not honour yet (naming the key as `services.web.gpus`), never silently dropping one. */
export function toStackSpec(
  project: Project,
  opts: { configFiles: string[]; workingDir: string },
): { stack: StackSpec; warnings: string[] } {
  const warnings: string[] = [];
  const networks = Object.keys(project.networks ?? {})
    .sort()
    .map((key) => {
      const cfg = project.networks?.[key] as NetworkConfig;
      warnings.push(...networkWarnings(key, cfg));
      return toStackNetwork(project.name, key, cfg);
    });
  const names = Object.keys(project.services).sort();
  if (
    !networks.some((n) => n.key === "default") &&
    names.some((n) => serviceNetworkKeys(project.services[n] ?? {}).includes("default"))
  ) {
    networks.push(toStackNetwork(project.name, "default", { name: `${project.name}_default` }));
    networks.sort((a, b) => (a.key < b.key ? -1 : 1));
  }
  // As Compose, the stack has only the volumes a service mounts (one left out by profiles or the
  // command line too, so `down -v` still knows it): an unused one is neither created nor shown.
  const used = usedVolumes(project);
  const volumes = Object.keys(project.volumes ?? {})
    .sort()
    .flatMap((key) => {
      const cfg = project.volumes?.[key] as VolumeConfig;
      warnings.push(...volumeWarnings(key, cfg));
      return used.has(key) ? [toStackVolume(project.name, key, cfg)] : [];
    });
  const services: ServiceSpec[] = [];
  for (const name of names) {
    const svc = project.services[name];
    if (!svc) continue;
    const { spec, warnings: w } = toServiceSpec(project, name, svc);
    services.push(spec);
    warnings.push(...w);
  }
  const stack: StackSpec = {
    project: project.name,
    services,
    networks,
    volumes,
    configFiles: [...opts.configFiles],
    workingDir: opts.workingDir,
  };
  return { stack, warnings };
}

/** The top-level volume keys the project's services (enabled or not) mount. */
function usedVolumes(project: Project): Set<string> {
  const services = [...Object.values(project.services), ...Object.values(project.disabled_services ?? {})];
  return new Set(
    services.flatMap((svc) =>
      (svc.volumes ?? []).flatMap((v) => (v.type === "volume" && v.source !== undefined ? [v.source] : [])),
    ),
  );
}

/** A top-level network as the stack owns it, with Compose's project/network labels. */
function toStackNetwork(project: string, key: string, cfg: NetworkConfig): StackNetwork {
  const net: StackNetwork = {
    key,
    name: cfg.name || `${project}_${key}`,
    external: !!cfg.external,
    internal: !!cfg.internal,
    labels: { ...cfg.labels, "com.docker.compose.project": project, "com.docker.compose.network": key },
  };
  const pool = cfg.ipam?.config?.[0];
  if (pool?.subnet !== undefined) net.subnet = pool.subnet;
  if (pool?.gateway !== undefined) net.gateway = pool.gateway;
  return net;
}

/** A top-level volume as the stack owns it, with Compose's project/volume labels. */
function toStackVolume(project: string, key: string, cfg: VolumeConfig): StackVolume {
  return {
    key,
    name: cfg.name || `${project}_${key}`,
    external: !!cfg.external,
    driverOpts: { ...cfg.driver_opts },
    labels: { ...cfg.labels, "com.docker.compose.project": project, "com.docker.compose.volume": key },
  };
}
