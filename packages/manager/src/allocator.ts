import { invalidArgument } from "@tsc/core";
import { Component, followChanges } from "./component.js";
import { intToIp, overlaps, parseCidr } from "./ipv4.js";
import type { NetworkAllocation } from "./objects.js";
import type { ClusterState, StoredStack } from "./state.js";
import { serviceId, updateMany } from "./state.js";
import { TaskIndex } from "./task-index.js";

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
    super("allocator", log, 20);
    this.fresh = new TaskIndex(state.cache.tasks, (t) =>
      t.status.state === "new" && t.desiredState === "running" ? "new" : undefined,
    );
  }

  /** Tasks waiting for addresses (NEW, desired running). */
  private readonly fresh: TaskIndex;
  private releaseDue = true;

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    const { cache } = this.state;
    // Services too: a new task whose service had not reached this copy yet waits for it.
    return [followChanges([cache.stacks, cache.tasks, cache.networks, cache.services], signal, trigger)];
  }

  protected async reconcile(): Promise<void> {
    await this.state.ready();
    const { cache } = this.state;
    const stacks = cache.stacks.values().map((v) => v.value);
    const nets = new Map(cache.networks.values().map((v) => [v.id, v.value] as const));
    // Networks allocated in this pass are not in the copy yet: take them from the writes.
    for (const s of stacks) for (const n of await this.allocateNetworks(s)) nets.set(n.name, n);
    const { all, changes } = this.fresh.update();
    // A deleted task may leave addresses to release.
    if (all || changes.some((c) => !cache.tasks.get(c.id))) this.releaseDue = true;
    const services = new Map(cache.services.values().map((v) => [v.id, v.value] as const));
    const stackOf = new Map(stacks.map((s) => [s.project, s] as const));
    const fresh = this.fresh.group("new").flatMap((t) => cache.tasks.get(t.id) ?? []);
    // Which (network, task, wanted address) triples this pass must allocate, grouped by network.
    const wants = new Map<string, AddressWant[]>();
    const ready: typeof fresh = [];
    for (const v of fresh) {
      const t = v.value;
      const svc = services.get(serviceId(t.project, t.service));
      const stack = stackOf.get(t.project);
      if (!svc || !stack) continue;
      ready.push(v);
      // A task that starts a kept container again takes over that container's addresses.
      const adopted = t.adopts ? cache.tasks.get(t.adopts)?.value : undefined;
      for (const n of svc.spec.networks) {
        const name = stack.networks.find((x) => x.key === n.key)?.name;
        if (!name || !nets.has(name)) continue;
        const inherited = adopted?.addresses[n.key];
        const want: AddressWant = inherited
          ? { task: t.id, key: n.key, wanted: inherited, from: adopted!.id }
          : { task: t.id, key: n.key, wanted: n.ipv4Address };
        const list = wants.get(name);
        if (list) list.push(want);
        else wants.set(name, [want]);
      }
    }
    const addresses = new Map<string, Record<string, string>>();
    for (const [name, list] of wants) {
      const got = await this.allocateAddresses(nets.get(name)!, list);
      for (const w of list) addresses.set(w.task, { ...addresses.get(w.task), [w.key]: got.get(w.task)! });
    }
    const revision = await updateMany(this.state.store, this.state.tasks, ready, (cur) =>
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
    await cache.tasks.waitFor(revision);
    if (this.releaseDue) await this.releaseAddresses();
  }

  /** Releases the addresses of tasks that are gone. */
  private async releaseAddresses(): Promise<void> {
    const { cache } = this.state;
    const live = new Set(cache.tasks.values().map((v) => v.id));
    for (const rec of cache.ipam.values())
      if (Object.values(rec.value.owners).some((o) => !live.has(o)))
        await this.state.ipam.update(rec.id, (cur) =>
          cur
            ? {
                ...cur,
                owners: Object.fromEntries(Object.entries(cur.owners).filter(([, o]) => live.has(o))),
              }
            : undefined,
        );
    this.releaseDue = false;
  }

  /** Allocates the stack's networks that have no subnet yet; returns the ones it allocated. */
  private async allocateNetworks(stack: StoredStack): Promise<NetworkAllocation[]> {
    const made: NetworkAllocation[] = [];
    for (const n of stack.networks) {
      if (this.state.cache.networks.get(n.name)) continue;
      const stored = await this.state.networks.get(n.name);
      if (stored) {
        made.push(stored.value);
        continue;
      }
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
      const kept = (await this.state.networks.update(n.name, (cur) => cur ?? alloc)) ?? alloc;
      await this.state.ipam.update(n.name, (cur) => cur ?? { subnet, gateway: kept.gateway, owners: {} });
      made.push(kept);
    }
    return made;
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
  private async allocateAddresses(net: NetworkAllocation, list: AddressWant[]): Promise<Map<string, string>> {
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
        const holder = w.wanted === undefined ? undefined : owners[w.wanted];
        // An inherited address another task holds by now is not the adopter's: it gets a new one.
        const wanted =
          w.from !== undefined && holder !== undefined && holder !== w.from ? undefined : w.wanted;
        if (wanted) {
          if (holder !== undefined && holder !== w.from)
            throw invalidArgument(
              `address ${wanted} on network ${JSON.stringify(net.name)} is already in use`,
            );
          ip = wanted;
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

/** An address a task needs on one network: `wanted` if given (taken over from task `from`, if it holds it). */
interface AddressWant {
  task: string;
  key: string;
  wanted?: string;
  from?: string;
}
