import type { EtcdStore } from "@tsc/store";
import { prefixEnd } from "@tsc/store";
import { Allocator } from "./allocator.js";
import type { Component } from "./component.js";
import { Dispatcher } from "./dispatcher.js";
import { Orchestrator } from "./orchestrator.js";
import { Scheduler } from "./scheduler.js";
import type { VolumeRemover } from "./stacks-service.js";
import { stacksService } from "./stacks-service.js";
import { ClusterState } from "./state.js";

/** How a manager runs. */
export interface ManagerOptions {
  store: EtcdStore;
  /** Subnets for stack networks (default 10.90.0.0/16). */
  addressPool?: string;
  removeVolumes: VolumeRemover;
  /** This host's node ID: a leadership held under it by an earlier, dead process is taken back at once. */
  nodeId?: string;
  log?: (line: string) => void;
}

/** The leader election's name, and how long a dead leader's lease outlives it. */
const ELECTION = "tsc-manager-leader";
const ELECTION_TTL_S = 10;

/**
 * A manager: serves the Stacks and Dispatcher APIs, and while it holds the etcd leader election
 * runs the orchestrator, allocator and scheduler. Every manager dispatches to the agents connected
 * to it; state changes go through etcd, so any manager's view converges.
 */
export class Manager {
  readonly state: ClusterState;
  readonly dispatcher: Dispatcher;
  private readonly leaderOnly: Component[];
  private abort = new AbortController();
  private campaign: Promise<void> | undefined;
  private leading = false;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: ManagerOptions) {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    this.log = log;
    this.state = new ClusterState(opts.store);
    this.dispatcher = new Dispatcher(this.state, log);
    this.leaderOnly = [
      new Orchestrator(this.state, log),
      new Allocator(this.state, log, opts.addressPool),
      new Scheduler(this.state, log),
    ];
  }

  /** The Stacks API. */
  stacksService() {
    return stacksService(this.state, this.opts.removeVolumes);
  }

  /** Starts dispatching and campaigns for leadership (components start when elected). */
  start(): void {
    this.dispatcher.run(this.abort.signal);
    const election = this.opts.store.client.election(ELECTION, ELECTION_TTL_S);
    const me = `${this.opts.nodeId ?? "manager"}:${process.pid}`;
    this.campaign = (async () => {
      if (this.opts.nodeId) await this.reclaimStaleLeadership(this.opts.nodeId, me);
      const c = election.campaign(me);
      await new Promise<void>((resolve, reject) => {
        c.on("elected", () => resolve());
        c.on("error", reject);
        this.abort.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      if (this.abort.signal.aborted) {
        await c.resign().catch(() => undefined);
        return;
      }
      this.leading = true;
      for (const comp of this.leaderOnly) comp.run(this.abort.signal);
      await new Promise<void>((resolve) =>
        this.abort.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      await c.resign().catch(() => undefined);
    })().catch((e: Error) => (this.opts.log ?? console.error)(`manager: election: ${e.message}`));
  }

  /**
   * One tscd per node: a campaign entry under this node's ID from another PID belongs to a process
   * that died (kill -9 leaves its lease alive for up to the TTL). Revoking that lease now lets this
   * manager lead at once instead of the whole cluster waiting without an orchestrator.
   */
  private async reclaimStaleLeadership(nodeId: string, me: string): Promise<void> {
    const { client } = this.opts.store;
    const prefix = Buffer.from(`election/${ELECTION}/`);
    const end = prefixEnd(prefix);
    const res = await this.opts.store
      .call((o) => client.kv.range({ key: prefix, range_end: end }, o))
      .catch((e: Error) => this.log(`manager: reading the leader election: ${e.message}`));
    for (const kv of res?.kvs ?? []) {
      const value = kv.value.toString();
      if (value === me || !value.startsWith(`${nodeId}:`) || kv.lease === "0") continue;
      await client.leaseClient.leaseRevoke({ ID: kv.lease }).catch(() => undefined);
      this.log(`manager: took back the leadership held by a dead tscd on this node (${value})`);
    }
  }

  /** Whether this manager runs the leader-only components. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Whether every component is idle (for tests and benchmarks). */
  get idle(): boolean {
    return ![this.dispatcher, ...this.leaderOnly].some((c) => c.busy);
  }

  /** Stops every component and waits for their loops. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([this.dispatcher, ...this.leaderOnly].map((c) => c.stop()));
    await this.campaign;
    await this.state.close();
    this.leading = false;
  }
}
