import { invalidArgument } from "@tsc/core";
import { Component } from "./component.js";
import { intToIp, overlaps, parseCidr } from "./ipv4.js";
import type { NetworkAllocation } from "./objects.js";
import type { ClusterState, StoredStack } from "./state.js";

/** Where stack networks get their /24s unless the compose file gives a subnet. */
export const DEFAULT_CLUSTER_POOL = "10.90.0.0/16";

/**
 * The allocator: a subnet for every stack network, and an address on each of its networks for
 * every new task (NEW → PENDING), released when the task is deleted. Every allocation is a
 * read-modify-write on one etcd key under a mod_revision check, so two managers can never hand
 * out the same subnet or address.
 */
export class Allocator extends Component {
  constructor(
    private readonly state: ClusterState,
    log: (line: string) => void,
    private readonly pool = DEFAULT_CLUSTER_POOL,
  ) {
    super("allocator", log);
  }

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    const follow = async (c: { watch(o: { signal: AbortSignal }): AsyncIterable<unknown> }) => {
      for await (const _ of c.watch({ signal })) trigger();
    };
    return [follow(this.state.stacks), follow(this.state.tasks)];
  }

  protected async reconcile(): Promise<void> {
    const stacks = (await this.state.stacks.list()).items.map((v) => v.value);
    for (const s of stacks) await this.allocateNetworks(s);
    const nets = new Map((await this.state.networks.list()).items.map((v) => [v.id, v.value] as const));
    const tasks = (await this.state.tasks.list()).items.map((v) => v.value);
    const services = new Map((await this.state.services.list()).items.map((v) => [v.id, v.value] as const));
    for (const t of tasks.filter((x) => x.status.state === "new" && x.desiredState === "running")) {
      const svc = services.get(`${t.project}_${t.service}`);
      const stack = stacks.find((s) => s.project === t.project);
      if (!svc || !stack) continue;
      const addresses: Record<string, string> = {};
      for (const n of svc.spec.networks) {
        const net = stack.networks.find((x) => x.key === n.key);
        if (!net) continue;
        const alloc = nets.get(net.name);
        if (!alloc) continue;
        addresses[n.key] = await this.allocateAddress(alloc, t.id, n.ipv4Address);
      }
      await this.state.tasks.update(t.id, (cur) =>
        cur && cur.status.state === "new"
          ? {
              ...cur,
              addresses,
              status: {
                ...cur.status,
                state: "pending",
                timestamp: new Date().toISOString(),
                message: "pending task scheduling",
              },
            }
          : undefined,
      );
    }
    // Release addresses of tasks that are gone.
    const live = new Set(tasks.map((t) => t.id));
    for (const rec of (await this.state.ipam.list()).items)
      if (Object.values(rec.value.owners).some((o) => !live.has(o)))
        await this.state.ipam.update(rec.id, (cur) =>
          cur
            ? {
                ...cur,
                owners: Object.fromEntries(Object.entries(cur.owners).filter(([, o]) => live.has(o))),
              }
            : undefined,
        );
  }

  private async allocateNetworks(stack: StoredStack): Promise<void> {
    for (const n of stack.networks) {
      if (await this.state.networks.get(n.name)) continue;
      const taken = (await this.state.networks.list()).items.map((v) => v.value.subnet);
      const subnet = n.subnet ?? this.freeSubnet(taken);
      if (n.subnet && taken.some((t) => overlaps(t, subnet)))
        throw invalidArgument(
          `subnet ${subnet} of network ${JSON.stringify(n.name)} overlaps another network`,
        );
      const { base } = parseCidr(subnet);
      const alloc: NetworkAllocation = {
        project: stack.project,
        key: n.key,
        name: n.name,
        subnet,
        gateway: n.gateway ?? intToIp(base + 1),
        internal: n.internal,
      };
      await this.state.networks.update(n.name, (cur) => cur ?? alloc);
      await this.state.ipam.update(n.name, (cur) => cur ?? { subnet, gateway: alloc.gateway, owners: {} });
    }
  }

  private freeSubnet(taken: string[]): string {
    const pool = parseCidr(this.pool);
    for (let b = pool.base; b < pool.base + pool.size; b += 256) {
      const cidr = `${intToIp(b)}/24`;
      if (!taken.some((t) => overlaps(t, cidr))) return cidr;
    }
    throw invalidArgument(`the cluster address pool ${this.pool} is exhausted`, {
      hint: "remove unused stacks or give networks a subnet",
    });
  }

  /** An address for `owner` on `net` (the requested one if free), recorded in the network's IPAM key. */
  private async allocateAddress(net: NetworkAllocation, owner: string, wanted?: string): Promise<string> {
    let chosen = "";
    await this.state.ipam.update(net.name, (cur) => {
      const rec = cur ?? { subnet: net.subnet, gateway: net.gateway, owners: {} };
      const existing = Object.entries(rec.owners).find(([, o]) => o === owner);
      if (existing) {
        chosen = existing[0];
        return undefined;
      }
      const { base, size } = parseCidr(rec.subnet);
      if (wanted) {
        if (rec.owners[wanted])
          throw invalidArgument(`address ${wanted} on network ${JSON.stringify(net.name)} is already in use`);
        chosen = wanted;
      } else {
        chosen = "";
        for (let n = base + 2; n < base + size - 1; n++) {
          const ip = intToIp(n);
          if (ip !== rec.gateway && !rec.owners[ip]) {
            chosen = ip;
            break;
          }
        }
        if (!chosen) throw invalidArgument(`network ${JSON.stringify(net.name)} has no free addresses`);
      }
      return { ...rec, owners: { ...rec.owners, [chosen]: owner } };
    });
    return chosen;
  }
}
