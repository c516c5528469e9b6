import type { CreateContainerOptions, HealthStatus } from "./types.js";

/** A network a work item's container joins, as the cluster allocated it. */
export interface WorkNetwork {
  name: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  /** The task's address on it. */
  address?: string;
  aliases: string[];
}

/**
 * What the manager asks of this host for one task: concrete container work (the agent knows
 * nothing of services). `desired` is what it should be doing; `state` is what the manager last
 * recorded, so a reconnecting agent can tell what it must report.
 */
export interface WorkItem {
  taskId: string;
  desired: "running" | "shutdown";
  state: string;
  containerName: string;
  container: CreateContainerOptions;
  networks: WorkNetwork[];
  /** Seconds the container gets to stop when shut down or restarted (a user's `-t`); else its own stop timeout. */
  stopTimeout?: number;
  /** When this differs from the last one the container honoured, restart it in place (`restart`). */
  restartToken?: string;
  /** With `desired: "shutdown"`: stop the container but keep it (Compose's `stop`). */
  keepContainer?: boolean;
  /** The earlier task whose kept container this one starts again, if this host still has it. */
  adopts?: string;
}

/** Task states an agent reports. */
export type WorkState =
  "accepted" | "preparing" | "starting" | "running" | "complete" | "failed" | "shutdown" | "rejected";

/** A task status as the agent reports it. */
export interface WorkStatus {
  state: WorkState;
  timestamp: string;
  message: string;
  err?: string;
  containerId?: string;
  exitCode?: number;
  health?: HealthStatus;
  /** The last restart token the task's container honoured. */
  restartToken?: string;
}

/** Discovery records: per network name, its project and name → addresses. */
export type WorkDiscovery = Record<string, { project: string; names: Record<string, string[]> }>;

/** The label that ties a container to its task. */
export const TASK_LABEL = "com.tsc.task.id";
