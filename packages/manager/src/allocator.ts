import { invalidArgument } from "@tsc/core";
import type { Watchable } from "./component.js";
import { Component, followWatch } from "./component.js";
import { intToIp, overlaps, parseCidr } from "./ipv4.js";
import type { NetworkAllocation } from "./objects.js";
import type { ClusterState, StoredStack } from "./state.js";
import { updateMany } from "./state.js";

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
    const follow = (c: Watchable) => followWatch(c, signal, trigger);
    return [follow(this.state.stacks), follow(this.state.tasks)];
  }

  protected async reconcile(): Promise<void> {
    const stacks = (await this.state.stacks.list()).items.map((v) => v.value);
    for (const s of stacks) await this.allocateNetworks(s);
    const nets = new Map((await this.state.networks.list()).items.map((v) => [v.id, v.value] as const));
    const listed = (await this.state.tasks.list()).items;
    const tasks = listed.map((v) => v.value);
    const services = new Map((await this.state.services.list()).items.map((v) => [v.id, v.value] as const));
    const fresh = listed.filter((v) => v.value.status.state === "new" && v.value.desiredState === "running");
    // Which (network, task, wanted address) triples this pass must allocate, grouped by network.
    const wants = new Map<string, { task: string; key: string; wanted?: string }[]>();
    const ready: typeof fresh = [];
    for (const v of fresh) {
      const t = v.value;
      const svc = services.get(`${t.project}_${t.service}`);
      const stack = stacks.find((s) => s.project === t.project);
      if (!svc || !stack) continue;
      ready.push(v);
      for (const n of svc.spec.networks) {
        const name = stack.networks.find((x) => x.key === n.key)?.name;
        if (!name || !nets.has(name)) continue;
        wants.set(name, [...(wants.get(name) ?? []), { task: t.id, key: n.key, wanted: n.ipv4Address }]);
      }
    }
    const addresses = new Map<string, Record<string, string>>();
    for (const [name, list] of wants) {
      const got = await this.allocateAddresses(nets.get(name)!, list);
      for (const w of list) addresses.set(w.task, { ...addresses.get(w.task), [w.key]: got.get(w.task)! });
    }
    await updateMany(this.state.store, this.state.tasks, ready, (cur) =>
      cur.status.state === "new"
        ? {
            ...cur,
            addresses: addresses.get(cur.id) ?? {},
            status: {
              ...cur.status,
              state: "pending" as const,
              timestamp: new Date().toISOString(),
              message: "pending task scheduling",
            },
          }
        : undefined,
    );
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

  /** Addresses on `net` for every owner in `list` (the wanted one if free), in one update of the network's IPAM key. */
  private async allocateAddresses(
    net: NetworkAllocation,
    list: { task: string; wanted?: string }[],
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await this.state.ipam.update(net.name, (cur) => {
      out.clear();
      const rec = cur ?? { subnet: net.subnet, gateway: net.gateway, owners: {} };
      const owners = { ...rec.owners };
      const held = new Map(Object.entries(owners).map(([ip, o]) => [o, ip] as const));
      const { base, size } = parseCidr(rec.subnet);
      let next = base + 2;
      for (const w of list) {
        const have = held.get(w.task);
        if (have) {
          out.set(w.task, have);
          continue;
        }
        let ip: string | undefined;
        if (w.wanted) {
          if (owners[w.wanted])
            throw invalidArgument(
              `address ${w.wanted} on network ${JSON.stringify(net.name)} is already in use`,
            );
          ip = w.wanted;
        } else
          for (; next < base + size - 1; next++) {
            const candidate = intToIp(next);
            if (candidate !== rec.gateway && !owners[candidate]) {
              ip = candidate;
              next++;
              break;
            }
          }
        if (!ip) throw invalidArgument(`network ${JSON.stringify(net.name)} has no free addresses`);
        owners[ip] = w.task;
        out.set(w.task, ip);
      }
      return { ...rec, owners };
    });
    return out;
  }
}
