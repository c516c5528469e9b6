import type { OciImageConfig } from "../image/oci.js";

/** `no | always | unless-stopped | on-failure[:N]`, as Docker spells them. */
export interface RestartPolicy {
  name: "no" | "always" | "unless-stopped" | "on-failure";
  /** For on-failure: give up after this many restarts (0 = no limit). */
  maximumRetryCount?: number;
}

/** A mount into the container. */
export interface MountSpec {
  type: "bind" | "tmpfs";
  /** Host path for binds. */
  source?: string;
  target: string;
  readOnly?: boolean;
  /** Extra mount options (`rprivate`, `size=64m`, `mode=1777` …). */
  options?: string[];
  /**
   * For binds: a missing host path is created as a directory (`-v /host:/ctr`, as Docker does);
   * without it a missing source is refused (`--mount type=bind`).
   */
  createSource?: boolean;
}

/** How the container is networked. Networks proper (CNI) give a netns path. */
export type NetworkMode =
  | { type: "none" }
  | { type: "host" }
  | { type: "netns"; path: string }
  /** Share another container's network namespace (`--network container:<id>`). */
  | { type: "container"; container: string };

/** What a user asks for when creating a container (the runtime's side of `docker create`). */
export interface ContainerSpec {
  name?: string;
  image: string;
  /** Replaces the image's ENTRYPOINT (and then its CMD too, as Docker does). */
  entrypoint?: string[];
  /** Replaces the image's CMD. */
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  /** `name`, `uid`, `name:group` or `uid:gid`; resolved against the image's /etc/passwd and /etc/group. */
  user?: string;
  hostname?: string;
  domainname?: string;
  labels?: Record<string, string>;
  mounts?: MountSpec[];
  /** Named (`name`) or anonymous (no name) volumes, mounted through the volume manager. */
  volumes?: { name?: string; target: string; readOnly?: boolean; nocopy?: boolean }[];
  /** Other containers whose volumes (and binds) to mount too: `CONTAINER[:ro|rw]`. */
  volumesFrom?: string[];
  extraHosts?: string[];
  dns?: string[];
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  readOnly?: boolean;
  sysctls?: Record<string, string>;
  ulimits?: { name: string; soft: number; hard: number }[];
  noNewPrivileges?: boolean;
  /** Bytes. */
  memory?: number;
  memoryReservation?: number;
  /** Fractional CPUs (→ CFS quota over a 100 ms period). */
  cpus?: number;
  cpuShares?: number;
  pidsLimit?: number;
  oomScoreAdj?: number;
  /** Bytes of /dev/shm (default 64 MiB). */
  shmSize?: number;
  /** Run tini as PID 1. */
  init?: boolean;
  stopSignal?: string;
  /** Seconds between the stop signal and SIGKILL (default 10). */
  stopTimeout?: number;
  restartPolicy?: RestartPolicy;
  network?: NetworkMode;
  /** `-i`: the container's stdin is a pipe conmon holds open, fed by attach clients (else /dev/null). */
  openStdin?: boolean;
  /**
   * Docker's StdinOnce (an attached `run -i`): the container's stdin closes when an attached client's
   * stdin ends (or the client goes). Without it, stdin stays open across attach clients.
   */
  stdinOnce?: boolean;
  /** `-t`: the process gets a pseudo-terminal (stdout and stderr merged on it). */
  tty?: boolean;
}

/** Docker's container states. */
export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "exited" | "dead";

/** What is persisted about a container (container.json), and what `inspect` reports from. */
export interface ContainerRecord {
  id: string;
  name: string;
  spec: ContainerSpec;
  imageId: string;
  imageRef: string;
  /** The image config the container was created from (for inspect's Config). */
  imageConfig: OciImageConfig;
  created: string;
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  startedAt?: string;
  finishedAt?: string;
  restartCount: number;
  /** Set by a user's stop: `unless-stopped` and `always` then leave it stopped. */
  manuallyStopped: boolean;
  error?: string;
  /** The process arguments the container runs (entrypoint + cmd, resolved). */
  args: string[];
  /** Volumes the container holds (resolved at create). */
  volumes?: VolumeMountRecord[];
  /** The spec as run: `spec` plus the mounts its volumes resolved to (when there are any). */
  runSpec?: ContainerSpec;
}

/** A volume a container holds. */
export interface VolumeMountRecord {
  name: string;
  target: string;
  readOnly: boolean;
  /** Created for this container (an image VOLUME or a spec volume without a name); `rm -v` removes it. */
  anonymous: boolean;
}
