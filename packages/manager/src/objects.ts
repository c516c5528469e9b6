/**
 * The cluster's objects, as the manager stores them in etcd and the API carries them: stacks
 * (compose projects) of services, the tasks that run them, the nodes that run tasks, and the
 * networks and volumes a stack owns. After SwarmKit's api/objects.proto, reduced to what tsc uses.
 */
import type { CreateContainerOptions, HealthConfig } from "@tsc/agent";
import type { PortMapping } from "@tsc/runtime";

/** What a task's container is made from: the agent's create options without what the engine assigns. */
export type ContainerTemplate = Omit<
  CreateContainerOptions,
  "name" | "networkMode" | "endpoints" | "ports" | "autoRemove" | "restart" | "healthcheck"
>;

/** Docker's deploy.restart_policy, in milliseconds. */
export interface TaskRestartPolicy {
  condition: "none" | "on-failure" | "any";
  /** 0 = no limit. */
  maxAttempts: number;
  delayMs: number;
  windowMs: number;
}

/** A service network attachment, by the stack's network key (`default`, `backend` …). */
export interface ServiceNetwork {
  key: string;
  aliases: string[];
  ipv4Address?: string;
}

/** One dependency of a service (compose depends_on). */
export interface ServiceDependencySpec {
  condition: "service_started" | "service_healthy" | "service_completed_successfully";
  required: boolean;
  restart: boolean;
}

/** Docker's deploy.placement: where a service's tasks may run. */
export interface PlacementSpec {
  /** Constraint expressions (`node.role==manager`), all of which a node must satisfy. */
  constraints: string[];
  /** At most this many of the service's tasks on one node (0 = no limit). */
  maxReplicasPerNode: number;
  /**
   * Spread preferences, outermost first: labels (`node.labels.zone`) over whose values the tasks
   * are spread evenly before they are spread over nodes. Absent = none.
   */
  preferences?: string[];
}

/** What a task sets aside on its node (deploy.resources.reservations). */
export interface Resources {
  /** CPUs × 10⁹. */
  nanoCpus: number;
  memoryBytes: number;
}

/** A service of a stack. */
export interface ServiceSpec {
  /** The compose service name. */
  name: string;
  mode: "replicated" | "global";
  replicas: number;
  container: ContainerTemplate;
  /** `container_name`: only with one replica. */
  containerName?: string;
  networks: ServiceNetwork[];
  /** Published ports (host side). */
  ports: PortMapping[];
  restartPolicy: TaskRestartPolicy;
  healthcheck?: HealthConfig;
  dependsOn: Record<string, ServiceDependencySpec>;
  /** Where its tasks may run; absent = anywhere. */
  placement?: PlacementSpec;
  /** What each task reserves on its node; absent = nothing. */
  reservations?: Resources;
  /** sha256 of everything that needs a new container when it changes (not `replicas`). */
  configHash: string;
}

/** A network a stack owns (or uses, when external). */
export interface StackNetwork {
  key: string;
  /** The real name: `<project>_<key>` unless the compose file names it. */
  name: string;
  external: boolean;
  internal: boolean;
  subnet?: string;
  gateway?: string;
  labels: Record<string, string>;
}

/** A named volume a stack owns (or uses, when external). */
export interface StackVolume {
  key: string;
  name: string;
  external: boolean;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

/** A compose project as the cluster runs it. */
export interface StackSpec {
  project: string;
  services: ServiceSpec[];
  networks: StackNetwork[];
  volumes: StackVolume[];
  /** The compose files it came from (for `ls`). */
  configFiles: string[];
  workingDir: string;
}

/** Task states; they only move forward (see task-state.ts). */
export type TaskState =
  | "new"
  | "pending"
  | "assigned"
  | "accepted"
  | "preparing"
  | "starting"
  | "running"
  | "complete"
  | "failed"
  | "shutdown"
  | "rejected"
  | "orphaned";

/** What a task should be doing. */
export type DesiredState = "running" | "shutdown";

/** A task's observed status. */
export interface TaskStatus {
  state: TaskState;
  timestamp: string;
  message: string;
  err?: string;
  containerId?: string;
  exitCode?: number;
  health?: "starting" | "healthy" | "unhealthy";
  /** The last in-place restart its container has done (the task's `restartToken` then). */
  restartToken?: string;
}

/** One slot of a service on one node. */
export interface Task {
  id: string;
  project: string;
  service: string;
  /** 1-based replica number (the `n` of `<project>-<service>-<n>`). */
  slot: number;
  /** The service's configHash when the task was made. */
  configHash: string;
  nodeId?: string;
  desiredState: DesiredState;
  status: TaskStatus;
  /** Allocated addresses, per network key. */
  addresses: Record<string, string>;
  createdAt: string;
  /** Seconds its container gets to stop when shut down or restarted, when a user asked (`down -t`, `restart -t`); else the container's own. */
  stopTimeout?: number;
  /** Set by `restart`: the agent restarts the task's container in place when this changes. */
  restartToken?: string;
  /**
   * Shut down by `stop` (or ended, then replaced by `start`/`restart`): its node stops the
   * container and keeps it, as Compose's `stop` does, for the slot's next task to start again.
   */
  keepContainer?: boolean;
  /**
   * The slot's earlier task whose kept container this one starts again (the same container, its
   * address and its logs) instead of creating one; it is placed on that task's node when it can be.
   */
  adopts?: string;
  /** Why the scheduler could not place it, when pending. */
  unschedulable?: string;
  /** No node could ever take it (constraints, reservations beyond any node's size): it waits for the nodes to change, and `up` says so instead of waiting. */
  unsatisfiable?: boolean;
}

/** A node (a host running an agent). */
export interface NodeRecord {
  id: string;
  hostname: string;
  role: "manager" | "worker";
  state: "ready" | "down";
  availability: "active" | "pause" | "drain";
  /** Labels the cluster set on the node (node.labels.*). */
  labels: Record<string, string>;
  /** Labels the node's daemon was started with (engine.labels.*). */
  engineLabels?: Record<string, string>;
  /** What it offers to reservations; absent = unknown (reservations are not checked). */
  resources?: Resources;
  os?: string;
  arch?: string;
  lastHeartbeat: string;
  addr: string;
}

/** A stack network's cluster-wide allocation. */
export interface NetworkAllocation {
  project: string;
  key: string;
  name: string;
  subnet: string;
  gateway: string;
  internal: boolean;
}
