import type { ContainerSpec, NetworkAttachment, PortMapping } from "@tsc/runtime";

/** A network to attach at create (`--network NAME --network-alias A --ip IP`). */
export interface EndpointRequest {
  network: string;
  aliases?: string[];
  ipv4Address?: string;
}

/** A healthcheck (Docker's HEALTHCHECK / `--health-*`); durations in milliseconds. */
export interface HealthConfig {
  /** `["CMD", …]`, `["CMD-SHELL", "…"]` or `["NONE"]`. */
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
}

/** What `create`/`run` asks the agent for: the runtime spec plus what the engine adds around it. */
export interface CreateContainerOptions extends Omit<ContainerSpec, "network"> {
  /**
   * `bridge` (default), `none`, `host`, `container:<ref>`, or a network's name; further networks in
   * `endpoints`.
   */
  networkMode?: string;
  endpoints?: EndpointRequest[];
  ports?: PortMapping[];
  /** `-P`: publish every exposed port (image EXPOSE and `expose`) on a random host port. */
  publishAll?: boolean;
  exposedPorts?: string[];
  healthcheck?: HealthConfig;
  /** `--rm`: remove the container when it exits. */
  autoRemove?: boolean;
  /** `--restart` as Docker spells it (`on-failure:10`); parsed and validated by the agent. */
  restart?: string;
  /** `--pull`: `missing` (default), `always` or `never`. */
  pull?: "always" | "missing" | "never";
}

/** Docker's health states. */
export type HealthStatus = "starting" | "healthy" | "unhealthy";

/** What `inspect` shows under State.Health. */
export interface HealthState {
  Status: HealthStatus;
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

/** What the agent keeps about a container beyond the runtime's record. */
export interface ContainerMeta {
  id: string;
  /** The network sandbox key (none for host/none/container modes). */
  sandbox?: string;
  networkMode: string;
  endpoints: NetworkAttachment[];
  ports: PortMapping[];
  /** The `-p` bindings as requested (host port 0 or absent when random), for HostConfig.PortBindings. */
  portBindings?: PortMapping[];
  /** `-P`. */
  publishAll?: boolean;
  exposedPorts: string[];
  healthcheck?: HealthConfig;
  autoRemove: boolean;
  /**
   * Its own DNS servers (`--dns`, compose `dns:`) when the embedded DNS is its nameserver: the
   * embedded DNS forwards the names it does not know there instead of to the host's servers.
   */
  dnsUpstreams?: string[];
  /** The last in-place restart this container did for its task (see WorkItem.restartToken). */
  restartToken?: string;
  /** The task that adopted this kept container (see WorkItem.adopts); else its TASK_LABEL's. */
  taskId?: string;
}
