import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Agent, Worker } from "@tsc/agent";
import type { AgentOptions } from "@tsc/agent";
import type { HostAddress, TlsFiles } from "@tsc/api";
import { ApiServer, formatHost, TscClient } from "@tsc/api";
import { Manager } from "@tsc/manager";
import type { ClusterStore } from "./cluster.js";
import { openClusterStore } from "./cluster.js";
import { lockDataRoot } from "./data-root-lock.js";
import { containersService } from "./services/containers.js";
import { imagesService } from "./services/images.js";
import { networksService, volumesService } from "./services/networks.js";
import { systemService } from "./services/system.js";

/** How tscd runs. */
export interface DaemonOptions extends AgentOptions {
  hosts: HostAddress[];
  tls?: TlsFiles;
  /** Logs every API call and reply (secrets redacted) as one JSON line each. */
  traceApi?: boolean;
  log?: (line: string) => void;
  /** etcd endpoints; none = the embedded etcd under the data root. */
  etcdEndpoints?: string[];
  etcdTls?: { ca: Buffer; cert: Buffer; key: Buffer };
  /** Subnets for stack networks (default 10.90.0.0/16). */
  clusterAddressPool?: string;
  /** The daemon's labels (`--label`), which its node registers as engine labels. */
  labels?: Record<string, string>;
}

/** This host's node ID, made once and kept under the data root. */
function nodeIdOf(dataRoot: string): string {
  const file = join(dataRoot, "node-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = randomBytes(12).toString("hex");
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * tscd: the host's agent (the only owner of its runtime) behind the gRPC API, and a manager
 * (stacks, dispatcher; orchestrator, allocator and scheduler while it leads) over etcd. The local
 * agent's worker holds its session with the dispatcher over the daemon's own socket, exactly as a
 * remote agent would, so one host is the cluster architecture with one node.
 */
export class Daemon {
  private constructor(
    readonly agent: Agent,
    readonly api: ApiServer,
    readonly manager: Manager,
    private readonly cluster: ClusterStore,
    private readonly worker: Worker,
    private readonly self: TscClient,
    private readonly unlock: () => void,
  ) {}

  /**
   * Locks the data root (FailedPrecondition while another tscd holds it), opens the agent
   * (recovering containers), the store and the manager, and serves every host address.
   */
  static async start(opts: DaemonOptions): Promise<Daemon> {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const unlock = lockDataRoot(opts.dataRoot);
    let agent: Agent;
    try {
      agent = await Agent.open({ ...opts, log });
    } catch (e) {
      unlock();
      throw e;
    }
    const api = new ApiServer(opts.traceApi ? (l) => log(`trace ${l}`) : undefined);
    api.addService("Containers", containersService(agent));
    api.addService("Images", imagesService(agent));
    api.addService("Networks", networksService(agent));
    api.addService("Volumes", volumesService(agent));
    api.addService(
      "System",
      systemService(agent, {
        dataRoot: opts.dataRoot,
        hosts: opts.hosts.map(formatHost),
        ...(opts.labels && { labels: opts.labels }),
      }),
    );
    let cluster: ClusterStore | undefined;
    try {
      cluster = await openClusterStore({
        dataRoot: opts.dataRoot,
        endpoints: opts.etcdEndpoints,
        tls: opts.etcdTls,
        log,
      });
      const manager = new Manager({
        store: cluster.store,
        addressPool: opts.clusterAddressPool,
        nodeId: nodeIdOf(opts.dataRoot),
        log,
        removeVolumes: async (names) => {
          for (const n of names)
            await agent.volumes.remove(n, { force: true }).catch((e: Error) => log(`warning: ${e.message}`));
        },
      });
      api.addService("Stacks", manager.stacksService());
      api.addService("Dispatcher", manager.dispatcher.service());
      for (const h of opts.hosts) await api.listen(h, h.kind === "tcp" ? opts.tls : undefined);
      manager.start();
      const local = opts.hosts.find((h) => h.kind === "unix") ?? opts.hosts[0]!;
      const self = new TscClient(local, local.kind === "tcp" ? opts.tls : undefined);
      const worker = new Worker(agent, async () => self, nodeIdOf(opts.dataRoot), log, opts.labels);
      worker.start();
      agent.events.publish("daemon", "start", "tscd", {});
      return new Daemon(agent, api, manager, cluster, worker, self, unlock);
    } catch (e) {
      await api.close(0);
      await agent.close();
      await cluster?.stop();
      unlock();
      throw e;
    }
  }

  /** Stops serving; containers keep running (live restore) and are re-adopted by the next start. */
  async stop(): Promise<void> {
    await this.worker.stop();
    this.self.close();
    await this.manager.stop();
    await this.api.close();
    await this.agent.close();
    await this.cluster.stop();
    this.unlock();
  }
}
