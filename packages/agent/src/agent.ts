import { existsSync } from "node:fs";
import { join } from "node:path";
import { failedPrecondition, invalidArgument, isTscError } from "@tsc/core";
import type {
  AttachConnection,
  AttachHandlers,
  ContainerEvent,
  ContainerRecord,
  Credentials,
  ExecOptions,
  ExecProcess,
  NetworkRecord,
  PullProgress,
  PushProgress,
} from "@tsc/runtime";
import {
  bundleLayout,
  ContainerManager,
  ImageStore,
  NetworkManager,
  parseRestartPolicy,
  pullImage,
  pushImage,
  VolumeManager,
} from "@tsc/runtime";
import { DnsServer } from "./dns/server.js";
import type { SandboxSetup } from "./endpoints.js";
import { createInSandbox, DEFAULT_NETWORK, hasEmbeddedDns, resolveName } from "./endpoints.js";
import { EventLog } from "./events.js";
import { ClusterNetworks } from "./cluster-networks.js";
import { HealthChecks, healthConfigOf } from "./health.js";
import { inspectContainer, inspectNetwork } from "./inspect.js";
import { MetaStore } from "./meta-store.js";
import { publishedPortHooks } from "./port-hooks.js";
import { publishedPorts } from "./ports.js";
import type { ContainerMeta, CreateContainerOptions, HealthState } from "./types.js";
import type { WorkDiscovery, WorkNetwork } from "./work.js";
import { TASK_LABEL } from "./work.js";

/** tini from Debian's `tini` package, the default `--init`. */
const DEFAULT_INIT = "/usr/bin/tini-static";

/** Where the agent keeps things and how it serves. */
export interface AgentOptions {
  dataRoot: string;
  runRoot: string;
  /** Address pool for networks (default 10.88.0.0/16, carved into /24s). */
  addressPool?: string;
  /** Registries reached over plain HTTP. */
  insecureRegistries?: string[];
  /** Port the embedded DNS serves on each network's gateway (default 53; 0 disables DNS). */
  dnsPort?: number;
  initBinary?: string;
  /** Where warnings go (default: stderr). */
  log?: (line: string) => void;
}

/** Options for pulls and pushes. */
export interface TransferOptions {
  credentials?: Credentials;
  onProgress?: (p: PullProgress | PushProgress) => void;
}

/**
 * The only owner of one host's runtime: images, containers (conmon + runc), networks (CNI),
 * volumes, healthchecks and the embedded DNS. The API services of tscd, and later the cluster
 * manager's assignments, drive containers through it; nothing else touches the runtime. On open it
 * re-adopts running containers (their restart policies apply to those that exited meanwhile) and
 * removes what a crash left half-made.
 */
export class Agent {
  readonly events = new EventLog();
  private readonly dnsListening = new Set<string>();
  private discovery: WorkDiscovery = {};
  private readonly clusterNetworks: ClusterNetworks;
  private readonly health: HealthChecks;
  private constructor(
    readonly opts: AgentOptions,
    readonly images: ImageStore,
    readonly volumes: VolumeManager,
    readonly networks: NetworkManager,
    readonly containers: ContainerManager,
    private readonly meta: MetaStore,
    private readonly dns: DnsServer | undefined,
  ) {
    this.clusterNetworks = new ClusterNetworks(networks, (id) => this.attached(id).length > 0, this.events);
    this.health = new HealthChecks(containers, (rec, status) =>
      this.events.publish("container", `health_status: ${status}`, rec.id, {
        name: rec.name,
        image: rec.imageRef,
      }),
    );
  }

  /** Opens (or creates) the data root and recovers the host's state. */
  static async open(opts: AgentOptions): Promise<Agent> {
    const images = new ImageStore(opts.dataRoot);
    const volumes = new VolumeManager(opts.dataRoot);
    const networks = new NetworkManager(opts.dataRoot, { pool: opts.addressPool });
    const meta = new MetaStore(opts.dataRoot);
    await meta.load();
    const containers = await ContainerManager.open({
      dataRoot: opts.dataRoot,
      runRoot: join(opts.runRoot, "runtime"),
      images,
      volumes,
      // `--init` runs Debian's static tini (a static binary works in any image).
      initBinary: opts.initBinary ?? (existsSync(DEFAULT_INIT) ? DEFAULT_INIT : undefined),
      hooks: publishedPortHooks(networks, meta),
    });
    const dnsPort = opts.dnsPort ?? 53;
    const ref: { agent?: Agent } = {};
    const dns =
      dnsPort === 0
        ? undefined
        : new DnsServer({
            resolve: (name, client) => ref.agent?.resolve(name, client),
            upstreamsOf: (client) => ref.agent?.dnsUpstreamsOf(client),
          });
    const agent = new Agent(opts, images, volumes, networks, containers, meta, dns);
    ref.agent = agent;
    await agent.recover();
    return agent;
  }

  private log(line: string): void {
    (this.opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  private async recover(): Promise<void> {
    if (!(await this.networks.list()).some((n) => n.name === DEFAULT_NETWORK))
      await this.networks.create(DEFAULT_NETWORK);
    // Half-made: a container the runtime created but whose network record never got written.
    for (const c of this.containers.list({ all: true }))
      if (c.status === "created" && !this.meta.get(c.id))
        await this.containers.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
    const known = new Set(this.containers.list({ all: true }).map((c) => c.id));
    // Half-made: sandboxes and metas of containers that never came to be (or were removed mid-crash).
    for (const m of this.meta.all())
      if (!known.has(m.id)) await this.tearDown(m).catch((e: Error) => this.log(`cleanup: ${e.message}`));
    const keep = new Set(this.meta.all().map((m) => m.sandbox));
    for (const sb of await this.networks.listSandboxes())
      if (!keep.has(sb.containerId)) await this.networks.removeSandbox(sb.containerId).catch(() => undefined);
    // Subnets leased by a network create that crashed before the network's record was written:
    // left alone, they would refuse that subnet to every later network.
    const networks = await this.networks.list();
    const networkIds = new Set(networks.map((n) => n.id));
    for (const id of await this.networks.ipam.leasedNetworks())
      if (!networkIds.has(id)) await this.networks.ipam.releaseSubnet(id);
    // Addresses allocated by a create that crashed before its sandbox recorded them.
    const sandboxes = new Set((await this.networks.listSandboxes()).map((s) => s.containerId));
    for (const net of networks)
      for (const owner of new Set(Object.values(await this.networks.ipam.addresses(net.id))))
        if (!sandboxes.has(owner)) await this.networks.ipam.releaseAddress(net.id, owner);
    this.containers.on("event", (ev: ContainerEvent) => this.onContainerEvent(ev));
    for (const m of this.meta.all()) for (const e of m.endpoints) await this.serveDns(e.gateway);
    for (const c of this.containers.list()) if (c.status === "running") this.startHealth(c);
  }

  /**
   * Connects to a container's stdio through its conmon (ContainerManager.attach): output as it
   * comes, stdin when the container keeps one open; `start` starts a stopped container once attached.
   */
  attach(
    ref: string,
    handlers: AttachHandlers,
    opts: { start?: boolean } = {},
  ): Promise<{ connection: AttachConnection; container: ContainerRecord }> {
    return this.containers.attach(ref, handlers, opts);
  }

  /** Starts a command in a running container with its stdio as streams (`exec`, interactive or not). */
  execStream(ref: string, opts: ExecOptions): Promise<ExecProcess> {
    return this.containers.execStream(ref, opts);
  }

  /**
   * `create`: pulls the image if needed, builds the network sandbox, creates the container. With
   * `start` (`run -d`) it also starts it: the networks are attached while runc creates the container,
   * and its process runs once they are. A failed start leaves the container created (or removes it
   * when it is auto-remove) and throws the start's error.
   */
  async createContainer(
    o: CreateContainerOptions,
    transfer: TransferOptions = {},
    then: { start?: boolean } = {},
  ): Promise<ContainerRecord> {
    const {
      networkMode,
      endpoints,
      ports,
      publishAll,
      exposedPorts,
      healthcheck,
      autoRemove,
      pull,
      restart,
      ...rest
    } = o;
    const spec = restart ? { ...rest, restartPolicy: parseRestartPolicy(restart) } : rest;
    if (autoRemove && spec.restartPolicy && spec.restartPolicy.name !== "no")
      throw invalidArgument("conflicting options: cannot specify both --restart and --rm");
    for (const e of endpoints ?? [])
      if (e.network === DEFAULT_NETWORK && e.ipv4Address)
        throw invalidArgument("user specified IP address is supported on user defined networks only", {
          hint: "create a network with `tscctl network create` and use --network",
        });
      else if (e.network === DEFAULT_NETWORK && e.aliases?.length)
        throw invalidArgument(
          "network-scoped alias is supported only for containers in user defined networks",
        );
    await this.ensureImage(o.image, pull ?? "missing", transfer);
    const image = await this.images.resolve(o.image);
    const mode = networkMode ?? DEFAULT_NETWORK;
    if (o.name !== undefined) this.containers.checkName(o.name);
    const toPublish = publishedPorts(ports ?? [], publishAll ?? false, exposedPorts ?? [], image.config);
    // On a user-defined network the embedded DNS is the container's only nameserver (it answers
    // the network's names) and forwards the rest to the container's own servers, as Docker does;
    // on the default bridge network (no name resolution) those servers go into resolv.conf.
    const ownDns = this.dns && spec.dns?.length && hasEmbeddedDns(mode) ? spec.dns : undefined;
    const metaOf = (id: string, setup: SandboxSetup): ContainerMeta => ({
      id,
      ...(setup.sandbox ? { sandbox: setup.sandbox } : {}),
      networkMode: mode,
      endpoints: setup.endpoints,
      ports: setup.endpoints[0]?.ports ?? [],
      portBindings: ports ?? [],
      publishAll: publishAll ?? false,
      exposedPorts: exposedPorts ?? [],
      ...(healthcheck ? { healthcheck } : {}),
      autoRemove: autoRemove ?? false,
      ...(ownDns ? { dnsUpstreams: ownDns } : {}),
    });
    let startError: unknown;
    const { setup, made: rec } = await createInSandbox(
      this.networks,
      mode,
      endpoints ?? [],
      toPublish,
      async ({ network, gateway, netnsReady, attached }) => {
        const made = await this.containers.create({
          ...spec,
          network,
          ...(gateway && this.dns && (ownDns || !spec.dns?.length) ? { dns: [gateway] } : {}),
        });
        if (!then.start) return made;
        // Its meta (endpoints for DNS, healthcheck) and DNS server are in place before it runs. A
        // failed sandbox shows as a start error here; createInSandbox then undoes the container.
        try {
          await netnsReady;
          await this.containers.start(made.id, {
            beforeStart: async () => {
              const setup = await attached;
              await this.giveOwnAddress(made.id, setup);
              await this.record(metaOf(made.id, setup));
            },
          });
        } catch (e) {
          startError = e;
        }
        return made;
      },
      (made) => this.containers.remove(made.id, { force: true }).then(() => undefined),
    );
    // A container that started is recorded already (see beforeStart).
    if (!then.start || startError !== undefined) {
      await this.giveOwnAddress(rec.id, setup);
      await this.record(metaOf(rec.id, setup));
    }
    if (startError !== undefined) {
      if (autoRemove) await this.removeContainer(rec.id, { force: true }).catch(() => undefined);
      throw startError;
    }
    return rec;
  }

  /** Its /etc/hosts names the container with its address on its first network, as Docker's does. */
  private async giveOwnAddress(id: string, setup: SandboxSetup): Promise<void> {
    const ip = setup.endpoints[0]?.ipAddress;
    if (ip) await this.containers.setOwnAddress(id, ip);
  }

  /** Pulls `ref` when the policy says so (`missing`: only when it is not in the store). */
  async ensureImage(
    ref: string,
    policy: "always" | "missing" | "never",
    transfer: TransferOptions = {},
  ): Promise<void> {
    if (policy === "never") return;
    if (policy === "missing") {
      try {
        await this.images.find(ref);
        return;
      } catch (e) {
        if (!isTscError(e, "NotFound")) throw e;
      }
    }
    await this.pull(ref, transfer);
  }

  /** `pull`: returns the image ID. */
  async pull(ref: string, transfer: TransferOptions = {}): Promise<string> {
    const id = await pullImage(this.images, ref, {
      insecureRegistries: this.opts.insecureRegistries,
      credentials: transfer.credentials,
      onProgress: transfer.onProgress,
    });
    this.events.publish("image", "pull", ref, { name: ref });
    return id;
  }

  /** `push`: returns the manifest digest. */
  async push(ref: string, transfer: TransferOptions = {}): Promise<string> {
    const digest = await pushImage(this.images, ref, {
      insecureRegistries: this.opts.insecureRegistries,
      credentials: transfer.credentials,
      onProgress: transfer.onProgress,
    });
    this.events.publish("image", "push", ref, { name: ref });
    return digest;
  }

  /** `rm`: removes the container and its network sandbox. */
  async removeContainer(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.containers.get(ref);
    await this.containers.remove(rec.id, opts);
    const m = this.meta.get(rec.id);
    if (m) await this.tearDown(m);
  }

  private async tearDown(m: ContainerMeta): Promise<void> {
    this.health.stop(m.id);
    if (m.sandbox) await this.networks.removeSandbox(m.sandbox);
    await this.meta.delete(m.id);
  }

  /** `network connect`. */
  async connect(
    network: string,
    container: string,
    opts: { aliases?: string[]; ipv4Address?: string } = {},
  ): Promise<void> {
    const rec = this.containers.get(container);
    const m = this.meta.get(rec.id);
    if (!m?.sandbox)
      throw failedPrecondition(
        `container ${rec.name} is not on a bridge network (network mode ${m?.networkMode ?? "none"})`,
      );
    const att = await this.networks.connect(m.sandbox, network, opts);
    m.endpoints.push(att);
    await this.meta.save(m);
    await this.serveDns(att.gateway);
    this.events.publish("network", "connect", att.networkId, { name: att.network, container: rec.id });
  }

  /** `network disconnect`. */
  async disconnect(network: string, container: string): Promise<void> {
    const rec = this.containers.get(container);
    const m = this.meta.get(rec.id);
    const net = await this.networks.get(network);
    if (!m?.sandbox)
      throw failedPrecondition(`container ${rec.name} is not connected to network ${net.name}`);
    await this.networks.disconnect(m.sandbox, net.id);
    m.endpoints = m.endpoints.filter((e) => e.networkId !== net.id);
    await this.meta.save(m);
    this.events.publish("network", "disconnect", net.id, { name: net.name, container: rec.id });
  }

  /** Containers attached to a network, with their endpoints. */
  attached(networkId: string): { id: string; name: string; ep: ContainerMeta["endpoints"][number] }[] {
    const out = [];
    for (const m of this.meta.all())
      for (const ep of m.endpoints)
        if (ep.networkId === networkId) {
          const name = this.containers.list({ all: true }).find((c) => c.id === m.id)?.name ?? "";
          out.push({ id: m.id, name, ep });
        }
    return out;
  }

  /** The agent's meta of a container. */
  metaOf(id: string): ContainerMeta | undefined {
    return this.meta.get(id);
  }

  /** The container's health, when it has a healthcheck. */
  healthOf(id: string): HealthState | undefined {
    return this.health.stateOf(id);
  }

  /** The last in-place restart token container `id` honoured (see WorkItem.restartToken). */
  restartTokenOf(id: string): string | undefined {
    return this.meta.get(id)?.restartToken;
  }

  /** Records that container `id` honoured restart `token` (kept across daemon restarts). */
  async setRestartToken(id: string, token: string): Promise<void> {
    const m = this.meta.get(id);
    if (m && m.restartToken !== token) await this.meta.save({ ...m, restartToken: token });
  }

  /** The cluster task container `rec` works for: the one that adopted it, else its label's. */
  taskOf(rec: ContainerRecord): string | undefined {
    return this.meta.get(rec.id)?.taskId ?? rec.spec.labels?.[TASK_LABEL];
  }

  /** Hands kept container `id` to task `taskId` (see WorkItem.adopts). */
  async setTaskOf(id: string, taskId: string): Promise<void> {
    const m = this.meta.get(id);
    if (m && m.taskId !== taskId) await this.meta.save({ ...m, taskId });
  }

  /** The `docker inspect` document of a container. */
  async inspect(ref: string): Promise<Record<string, unknown>> {
    const rec = this.containers.get(ref);
    const nets = new Map<string, NetworkRecord>((await this.networks.list()).map((n) => [n.id, n]));
    return inspectContainer(rec, this.meta.get(rec.id), this.healthOf(rec.id), nets, {
      files: bundleLayout(this.opts.dataRoot, rec.id),
    });
  }

  /** The `docker network inspect` document. */
  async inspectNetwork(ref: string): Promise<Record<string, unknown>> {
    const net = await this.networks.get(ref);
    return inspectNetwork(net, this.attached(net.id));
  }

  /** Replaces the cluster's discovery records (pushed by the manager over the session). */
  setDiscovery(records: WorkDiscovery): void {
    this.discovery = records;
  }

  /** Makes sure cluster network `n` exists on this host (see ClusterNetworks.ensure). */
  ensureNetwork(n: WorkNetwork): Promise<void> {
    return this.clusterNetworks.ensure(n);
  }

  /** Removes local copies of cluster networks that no container uses and `keep` does not name. */
  pruneClusterNetworks(keep: Set<string>): Promise<void> {
    return this.clusterNetworks.prune(keep);
  }

  /**
   * Answers the embedded DNS. Cluster records first (service names, `tasks.<service>`,
   * `<service>.<project>`, container names and aliases on the client's networks); a name under a
   * project the client belongs to that has no record is NXDOMAIN; then names of local containers
   * sharing a user-defined network; everything else is forwarded (undefined).
   */
  resolve(name: string, clientIp: string): string[] | undefined {
    const q = name.toLowerCase().replace(/\.$/, "");
    const client = this.dnsClient(clientIp);
    if (client) {
      const answers: string[] = [];
      for (const e of client.endpoints)
        for (const ip of this.discovery[e.network]?.names[q] ?? [])
          if (!answers.includes(ip)) answers.push(ip);
      if (answers.length) return answers;
      const projects = client.endpoints
        .map((e) => this.discovery[e.network]?.project)
        .filter((p): p is string => !!p);
      if (projects.some((p) => q.endsWith(`.${p}`))) return [];
    }
    const all = this.containers.list({ all: true }).map((c) => ({
      id: c.id,
      name: c.name,
      running: c.status === "running",
      endpoints: this.meta.get(c.id)?.endpoints ?? [],
    }));
    return resolveName(name, clientIp, all);
  }

  /** The embedded DNS's upstreams for the container at `clientIp`: its own `--dns` servers, if any. */
  dnsUpstreamsOf(clientIp: string): string[] | undefined {
    return this.dnsClient(clientIp)?.dnsUpstreams;
  }

  /** The container that has address `clientIp` on one of its networks (a DNS query's sender). */
  private dnsClient(clientIp: string): ContainerMeta | undefined {
    return this.meta.all().find((m) => m.endpoints.some((e) => e.ipAddress === clientIp));
  }

  /** Saves a container's metadata and makes sure its networks' DNS servers listen. */
  private async record(meta: ContainerMeta): Promise<void> {
    await this.meta.save(meta);
    for (const e of meta.endpoints) await this.serveDns(e.gateway);
  }

  private async serveDns(gateway: string): Promise<void> {
    if (!this.dns || this.dnsListening.has(gateway)) return;
    try {
      await this.dns.listen(gateway, this.opts.dnsPort ?? 53);
      this.dnsListening.add(gateway);
    } catch (e) {
      this.log(`warning: embedded DNS cannot listen on ${gateway}: ${(e as Error).message}`);
    }
  }

  private startHealth(rec: ContainerRecord): void {
    this.health.start(rec, healthConfigOf(rec, this.meta.get(rec.id)?.healthcheck));
  }

  private onContainerEvent(ev: ContainerEvent): void {
    let rec: ContainerRecord | undefined;
    try {
      rec = this.containers.get(ev.id);
    } catch {
      rec = undefined;
    }
    const attrs: Record<string, string> = { name: ev.name, ...(rec ? { image: rec.imageRef } : {}) };
    if (ev.exitCode !== undefined) attrs.exitCode = String(ev.exitCode);
    for (const [k, v] of Object.entries(rec?.spec.labels ?? {})) attrs[k] = v;
    this.events.publish("container", ev.action, ev.id, attrs);
    if (ev.action === "start" && rec) this.startHealth(rec);
    if (ev.action === "die") {
      this.health.stop(ev.id);
      const m = this.meta.get(ev.id);
      if (m?.autoRemove && rec && rec.status !== "restarting")
        setImmediate(() => void this.removeContainer(ev.id, { volumes: true }).catch(() => undefined));
    }
  }

  /** Stops health probes, DNS and watches; containers keep running under conmon. */
  async close(): Promise<void> {
    this.health.stopAll();
    this.containers.close();
    await this.dns?.close();
  }
}
