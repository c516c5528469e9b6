import { failedPrecondition, invalidArgument, TscError } from "@tsc/core";
import { JsonFile } from "../util/json-file.js";
import type { Cidr } from "./ipv4.js";
import { contains, formatCidr, intToIp, overlaps, parseCidr, size } from "./ipv4.js";

interface IpamData {
  version: 1;
  subnets: Record<string, { subnet: string; gateway: string }>;
  /** network → ip → owner (container ID). */
  addresses: Record<string, Record<string, string>>;
}

/** A network's address plan. */
export interface SubnetLease {
  subnet: string;
  gateway: string;
}

/**
 * The local IPAM: network subnets carved from a pool (default 10.88.0.0/16 in /24s, skipping any
 * that overlap another network or a host route) and container addresses, lowest free first, never
 * handed out twice while held. State is one JSON file written atomically; calls are serialized.
 */
export class LocalIpam {
  private readonly state: JsonFile<IpamData>;

  constructor(
    file: string,
    private readonly pool = "10.88.0.0/16",
    private readonly prefix = 24,
    private readonly hostRoutes: () => Promise<Cidr[]> = async () => [],
  ) {
    this.state = new JsonFile<IpamData>(file, () => ({ version: 1, subnets: {}, addresses: {} }));
  }

  private update<T>(fn: (d: IpamData) => T | Promise<T>): Promise<T> {
    return this.state.update(fn);
  }

  private read(): Promise<IpamData> {
    return this.state.read();
  }

  /** Gives a network its subnet: the requested one (if free) or the next free one from the pool. */
  allocateSubnet(network: string, req: { subnet?: string; gateway?: string } = {}): Promise<SubnetLease> {
    return this.update(async (d) => {
      const existing = d.subnets[network];
      if (existing) return existing;
      const taken = [
        ...Object.values(d.subnets).map((s) => parseCidr(s.subnet)),
        ...(await this.hostRoutes()),
      ];
      let subnet: Cidr;
      if (req.subnet) {
        subnet = parseCidr(req.subnet);
        const clash = Object.entries(d.subnets).find(([, s]) => overlaps(parseCidr(s.subnet), subnet));
        if (clash)
          throw failedPrecondition(
            `subnet ${formatCidr(subnet)} overlaps network ${JSON.stringify(clash[0])}'s ${clash[1].subnet}`,
            { hint: "choose another --subnet" },
          );
      } else {
        const pool = parseCidr(this.pool);
        const step = size({ base: 0, prefix: this.prefix });
        let found: Cidr | undefined;
        for (let base = pool.base; base < pool.base + size(pool); base += step) {
          const c = { base, prefix: this.prefix };
          if (!taken.some((t) => overlaps(t, c))) {
            found = c;
            break;
          }
        }
        if (!found)
          throw new TscError("Unavailable", `no free subnet left in the pool ${this.pool}`, {
            hint: "remove unused networks (network prune)",
          });
        subnet = found;
      }
      const gateway = req.gateway ?? intToIp(subnet.base + 1);
      if (!contains(subnet, gateway))
        throw invalidArgument(`gateway ${gateway} is not in subnet ${formatCidr(subnet)}`);
      const lease = { subnet: formatCidr(subnet), gateway };
      d.subnets[network] = lease;
      d.addresses[network] = {};
      return lease;
    });
  }

  /** The networks that hold a subnet. */
  async leasedNetworks(): Promise<string[]> {
    return Object.keys((await this.read()).subnets);
  }

  /** Frees a network's subnet (and any addresses still recorded in it). */
  releaseSubnet(network: string): Promise<void> {
    return this.update((d) => {
      delete d.subnets[network];
      delete d.addresses[network];
    });
  }

  /** An address for `owner` in `network`: `requested` if free and in the subnet, else the lowest free. */
  allocateAddress(
    network: string,
    owner: string,
    requested?: string,
  ): Promise<{ ip: string; prefixLen: number; gateway: string }> {
    return this.update((d) => {
      const lease = d.subnets[network];
      if (!lease) throw failedPrecondition(`network ${JSON.stringify(network)} has no subnet`);
      const subnet = parseCidr(lease.subnet);
      const used = (d.addresses[network] ??= {});
      const reserved = new Set([
        intToIp(subnet.base),
        lease.gateway,
        intToIp(subnet.base + size(subnet) - 1),
      ]);
      let ip: string | undefined;
      if (requested) {
        if (!contains(subnet, requested))
          throw invalidArgument(`address ${requested} is not in the network's subnet ${lease.subnet}`);
        if (reserved.has(requested) || used[requested])
          throw failedPrecondition(`address ${requested} is already in use`, {
            hint: "choose another --ip, or leave it out",
          });
        ip = requested;
      } else {
        for (let n = subnet.base + 1; n < subnet.base + size(subnet) - 1; n++) {
          const cand = intToIp(n);
          if (!reserved.has(cand) && !used[cand]) {
            ip = cand;
            break;
          }
        }
        if (!ip) throw new TscError("Unavailable", `no free address left in ${lease.subnet}`);
      }
      used[ip] = owner;
      return { ip, prefixLen: subnet.prefix, gateway: lease.gateway };
    });
  }

  /** Frees the address(es) `owner` holds in `network`. */
  releaseAddress(network: string, owner: string): Promise<void> {
    return this.update((d) => {
      const used = d.addresses[network] ?? {};
      for (const [ip, o] of Object.entries(used)) if (o === owner) delete used[ip];
    });
  }

  /** The addresses held in a network. */
  async addresses(network: string): Promise<Record<string, string>> {
    return { ...((await this.read()).addresses[network] ?? {}) };
  }
}
