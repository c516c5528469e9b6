import { isTscError } from "@tsc/core";
import type { NetworkManager } from "@tsc/runtime";
import type { EventLog } from "./events.js";
import type { WorkNetwork } from "./work.js";

/** The label on the local copies of cluster networks (a stack's networks, made by the agent). */
export const CLUSTER_NETWORK_LABEL = "com.tsc.cluster.network";

/**
 * The local copies of the cluster's networks on one host: the same name, subnet and gateway on
 * every host, made when a task needs one and pruned when no task does. `inUse` tells whether a
 * network has containers attached; those are never removed.
 */
export class ClusterNetworks {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly networks: NetworkManager,
    private readonly inUse: (networkId: string) => boolean,
    private readonly events: EventLog,
  ) {}

  /**
   * Creates `n` locally unless it exists; a stale local copy with another subnet (left from an
   * earlier stack of that name) is replaced when nothing is attached to it.
   */
  ensure(n: WorkNetwork): Promise<void> {
    // One at a time: tasks starting in parallel all ask for their stack's network.
    const next = this.queue.then(() => this.ensureNow(n));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Removes the local copies that no container uses and `keep` does not name. */
  async prune(keep: Set<string>): Promise<void> {
    for (const n of await this.networks.list())
      if (n.labels[CLUSTER_NETWORK_LABEL] === "true" && !keep.has(n.name) && !this.inUse(n.id)) {
        await this.networks.remove(n.id).catch(() => undefined);
        this.events.publish("network", "destroy", n.id, { name: n.name, type: "bridge" });
      }
  }

  private async ensureNow(n: WorkNetwork): Promise<void> {
    const existing = (await this.networks.list()).find((x) => x.name === n.name);
    if (existing && existing.subnet === n.subnet) return;
    if (existing && !this.inUse(existing.id)) await this.networks.remove(existing.id);
    // A removed stack's local copy still holding this subnet (the cluster already reused it).
    for (const stale of await this.networks.list())
      if (
        stale.name !== n.name &&
        stale.subnet === n.subnet &&
        stale.labels[CLUSTER_NETWORK_LABEL] === "true" &&
        !this.inUse(stale.id)
      )
        await this.networks.remove(stale.id).catch(() => undefined);
    try {
      const net = await this.networks.create(n.name, {
        subnet: n.subnet,
        gateway: n.gateway,
        internal: n.internal,
        labels: { [CLUSTER_NETWORK_LABEL]: "true" },
      });
      this.events.publish("network", "create", net.id, { name: net.name, type: "bridge" });
    } catch (e) {
      if (!isTscError(e, "AlreadyExists")) throw e;
    }
  }
}
