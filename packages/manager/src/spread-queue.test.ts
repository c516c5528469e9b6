import { describe, expect, it } from "vitest";
import type { NodeInfo } from "./filters.js";
import { emptyNodeInfo } from "./filters.js";
import type { NodeRecord } from "./objects.js";
import { leastLoaded, SpreadQueue } from "./spread-queue.js";

const node = (id: string): NodeInfo =>
  emptyNodeInfo({
    id,
    hostname: id,
    role: "worker",
    state: "ready",
    availability: "active",
    labels: {},
    lastHeartbeat: "",
    addr: "",
  } as NodeRecord);
const add = (n: NodeInfo, key: string): void => {
  n.taskCount++;
  n.perService.set(key, (n.perService.get(key) ?? 0) + 1);
};

describe("SpreadQueue", () => {
  it("takes the node with the fewest tasks of the service, then fewest tasks, then the lowest ID", () => {
    const [a, b, c] = [node("a"), node("b"), node("c")];
    add(a, "other");
    add(a, "other");
    add(b, "web");
    const q = new SpreadQueue([a, b, c], "web");
    const taken: string[] = [];
    for (let i = 0; i < 6; i++) {
      const n = q.take();
      taken.push(n.node.id);
      add(n, "web");
      q.requeue();
    }
    // c (0 of web, 0 tasks), a (0 of web, 2 tasks), then round by web count, ties by total then ID.
    expect(taken).toEqual(["c", "a", "b", "c", "a", "b"]);
    // The scan picks as the queue does.
    expect(leastLoaded([a, b, c], "web").node.id).toBe(q.take().node.id);
  });

  it("sees load that other services added to its nodes after it was built", () => {
    const [a, b] = [node("a"), node("b")];
    const q = new SpreadQueue([a, b], "web");
    // Another service's placements make a busier than b behind the queue's back.
    add(a, "other");
    add(a, "other");
    expect(q.take().node.id).toBe("b");
  });
});
