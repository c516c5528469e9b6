/**
 * The API's messages as handlers and clients see them (proto-loader with camelCase fields, numbers
 * for 64-bit integers and defaults filled in). Kept beside proto/tsc/v1 by hand: one interface per
 * message that code builds or reads.
 */

/** `Empty`. */
export type Empty = Record<string, never>;
/** A container (or network, volume) by ID, unique ID prefix or name. */
export interface Ref {
  id: string;
}
/** Any Docker-shaped JSON document. */
export interface JsonDocument {
  json: string;
}
/** `CreateContainerRequest`. */
export interface CreateContainerRequest {
  specJson: string;
  registryAuth?: string;
  /** Start it too (`run -d`). */
  start?: boolean;
}
/** `StopContainerRequest`; timeout -1 = the container's own. */
export interface StopContainerRequest {
  id: string;
  timeout: number;
}
/** `KillContainerRequest`. */
export interface KillContainerRequest {
  id: string;
  signal: string;
}
/** `PruneRequest`: `all` widens a prune (images: unused, not only dangling; volumes: named too). */
export interface PruneRequest {
  all: boolean;
}
/** `PruneReply`: what a prune removed and the bytes that freed. */
export interface PruneReply {
  deleted: string[];
  spaceReclaimed: number;
}
/** `TopRequest`: `psArgs` are options for the host's ps (none = `-ef`). */
export interface TopRequest {
  id: string;
  psArgs: string[];
}
/** `TopReply`: ps's titles and the container's rows. */
export interface TopReply {
  titles: string[];
  processes: { columns: string[] }[];
}
/** `RemoveContainerRequest`. */
export interface RemoveContainerRequest {
  id: string;
  force: boolean;
  volumes: boolean;
}
/** `ListContainersRequest`. */
export interface ListContainersRequest {
  all: boolean;
  filters: string[];
  size: boolean;
}
/** A published port. */
export interface PortBinding {
  ip: string;
  privatePort: number;
  publicPort: number;
  type: string;
}
/** One row of `ps`. */
export interface ContainerSummary {
  id: string;
  names: string[];
  image: string;
  imageId: string;
  command: string[];
  created: string;
  state: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  health: string;
  ports: PortBinding[];
  labels: Record<string, string>;
  /** Bytes in the container's own layer; with `sizeRootFs` (that plus its image's) only when the list asked for sizes. */
  sizeRw: number;
  networks: string[];
  restartCount: number;
  sizeRootFs: number;
  /** What it mounts, for ps's `{{.Mounts}}`, `{{.LocalVolumes}}` and `--filter volume=`. */
  mounts: MountPoint[];
}
/** One mount of a `ps` row (Docker's MountPoint fields that ps reads). */
export interface MountPoint {
  type: string;
  name: string;
  source: string;
  destination: string;
  driver: string;
}
/** `LogsRequest`; tail -1 = all. */
export interface LogsRequest {
  id: string;
  follow: boolean;
  tail: number;
  since: string;
  until: string;
}
/** One line of output. */
export interface LogLine {
  time: string;
  stream: string;
  line: Buffer;
}
/** What a client sends on an exec stream (the first message names the command). */
export interface ExecInput {
  args?: string[];
  container?: string;
  env?: string[];
  workdir?: string;
  user?: string;
  tty?: boolean;
  detach?: boolean;
  stdin?: Buffer;
  closeStdin?: boolean;
  privileged?: boolean;
  /** The terminal's size (with `tty`): initial in the first message; later ones resize. */
  rows?: number;
  cols?: number;
}
/** What a client sends on an attach stream (the first message names the container). */
export interface AttachInput {
  container?: string;
  /** Forward stdin (first message only). */
  stdin?: boolean;
  /** Start the container once attached (first message only). */
  start?: boolean;
  /** End with the exit code once the container exits (first message only). */
  wait?: boolean;
  data?: Buffer;
  closeStdin?: boolean;
  /** A terminal size (0 = unchanged). */
  rows?: number;
  cols?: number;
}
/** What the daemon sends back on an exec or attach stream. */
export interface ExecOutput {
  stdout: Buffer;
  stderr: Buffer;
  exited: boolean;
  exitCode: number;
}
/** One resource usage sample. */
export interface StatsSample {
  id: string;
  name: string;
  read: string;
  cpuUsageNs: number;
  systemUsageNs: number;
  onlineCpus: number;
  memoryUsage: number;
  memoryLimit: number;
  pids: number;
  rxBytes: number;
  txBytes: number;
  blockRead: number;
  blockWrite: number;
}
/** `CommitRequest`. */
export interface CommitRequest {
  container: string;
  reference: string;
  comment: string;
  author: string;
  changes: string[];
  pause: boolean;
}
/** One row of `images`. */
export interface ImageSummaryMessage {
  id: string;
  repoTags: string[];
  created: string;
  size: number;
  containers: number;
  repoDigests: string[];
}
/** A pull or push progress line; `result` set on the last. */
export interface TransferProgress {
  id: string;
  status: string;
  current: number;
  total: number;
  result: string;
}
/** One row of `network ls`. */
export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  scope: string;
  subnet: string;
  created: string;
}
/** `CreateNetworkRequest`. */
export interface CreateNetworkRequest {
  name: string;
  driver: string;
  subnet: string;
  gateway: string;
  internal: boolean;
  labels: Record<string, string>;
}
/** `ConnectRequest`. */
export interface ConnectRequest {
  network: string;
  container: string;
  aliases: string[];
  ipv4Address: string;
  force: boolean;
}
/** `CreateVolumeRequest`. */
export interface CreateVolumeRequest {
  name: string;
  driver: string;
  options: Record<string, string>;
  labels: Record<string, string>;
}
/** An event, as `docker events` shows them. */
export interface EventMessage {
  type: string;
  action: string;
  id: string;
  attributes: Record<string, string>;
  time: string;
  timeNano: number;
}
/** `EventsRequest`. */
export interface EventsRequest {
  since: string;
  until: string;
  filters: string[];
}
/** What an agent sends on its Dispatcher session (one of the fields is set). */
export interface AgentMessage {
  register?: {
    nodeId: string;
    hostname: string;
    addr: string;
    labels: Record<string, string>;
    role: string;
    resources?: { nanoCpus: number; memoryBytes: number };
    os?: string;
    arch?: string;
  };
  heartbeat?: Record<string, never>;
  statuses?: { updates: { taskId: string; statusJson: string }[] };
}
/** What the dispatcher sends an agent (one of the fields is set). */
export interface ManagerMessage {
  assignmentsJson?: string;
  discoveryJson?: string;
}
