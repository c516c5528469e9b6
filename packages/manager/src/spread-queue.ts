import type { NodeInfo } from "./filters.js";

/** How loaded a node is for one service: its tasks of the service, then all its tasks, then its ID. */
type Load = [service: number, total: number, id: string];

const loadOf = (n: NodeInfo, serviceKey: string): Load => [
  n.perService.get(serviceKey) ?? 0,
  n.taskCount,
  n.node.id,
];

const less = (a: Load, b: Load): boolean =>
  a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];

/** The spread choice by one scan: the node with the least Load for the service. */
export function leastLoaded(nodes: NodeInfo[], serviceKey: string): NodeInfo {
  let best = nodes[0]!;
  let bestLoad = loadOf(best, serviceKey);
  for (const n of nodes) {
    const load = loadOf(n, serviceKey);
    if (less(load, bestLoad)) [best, bestLoad] = [n, load];
  }
  return best;
}

/**
 * leastLoaded for one service over a fixed set of nodes, in O(log n) per task: a binary min-heap of the nodes by load (see Load). Loads only grow during a pass, so a node whose
 * load changed since it was queued (it took a task of this or another service) is requeued with
 * its current load when it comes up, and the node taken is always the least loaded one.
 */
export class SpreadQueue {
  private readonly heap: { node: NodeInfo; load: Load }[];

  constructor(
    nodes: NodeInfo[],
    private readonly serviceKey: string,
  ) {
    this.heap = nodes.map((node) => ({ node, load: loadOf(node, serviceKey) }));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  /** The least loaded node; the caller places a task on it (call `requeue` after). */
  take(): NodeInfo {
    for (;;) {
      const top = this.heap[0]!;
      const now = loadOf(top.node, this.serviceKey);
      if (!less(top.load, now)) return top.node;
      top.load = now;
      this.down(0);
    }
  }

  /** Puts the node `take` returned back with its new load. */
  requeue(): void {
    const top = this.heap[0]!;
    top.load = loadOf(top.node, this.serviceKey);
    this.down(0);
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l]!.load, h[m]!.load)) m = l;
      if (r < h.length && less(h[r]!.load, h[m]!.load)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
