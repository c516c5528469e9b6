import type { Collection, EtcdStore } from "@tsc/store";
import type { NetworkAllocation, NodeRecord, StackSpec, Task } from "./objects.js";

/** A stack as stored (its services are separate objects). */
export interface StoredStack extends Omit<StackSpec, "services"> {
  createdAt: string;
  updatedAt: string;
}

/** A service as stored. */
export interface StoredService {
  project: string;
  spec: StackSpec["services"][number];
  version: number;
  /** `stop`: no tasks run until `start` clears it. */
  stopped?: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Address bookkeeping of one network: which task holds which address. */
export interface IpamRecord {
  subnet: string;
  gateway: string;
  owners: Record<string, string>;
}

/** The manager's collections in etcd (`/tsc/v1/<kind>/<id>`). */
export class ClusterState {
  readonly stacks: Collection<StoredStack>;
  readonly services: Collection<StoredService>;
  readonly tasks: Collection<Task>;
  readonly nodes: Collection<NodeRecord>;
  readonly networks: Collection<NetworkAllocation>;
  readonly ipam: Collection<IpamRecord>;

  constructor(readonly store: EtcdStore) {
    this.stacks = store.collection<StoredStack>("stacks");
    this.services = store.collection<StoredService>("services");
    this.tasks = store.collection<Task>("tasks");
    this.nodes = store.collection<NodeRecord>("nodes");
    this.networks = store.collection<NetworkAllocation>("networks");
    this.ipam = store.collection<IpamRecord>("ipam");
  }
}

/** `<project>_<service>`: a service's ID. */
export function serviceId(project: string, service: string): string {
  return `${project}_${service}`;
}
