import { describe, expect, it } from "vitest";
import { DetachKeys, parseDetachKeys } from "./session.js";

const feed = (k: DetachKeys, bytes: number[]) => {
  const r = k.feed(Buffer.from(bytes));
  return { data: [...r.data], detach: r.detach };
};

describe("DetachKeys", () => {
  it("passes ordinary input through", () => {
    expect(feed(new DetachKeys(), [104, 105, 13])).toEqual({ data: [104, 105, 13], detach: false });
  });

  it("detaches on ctrl-p ctrl-q, forwarding what came before", () => {
    expect(feed(new DetachKeys(), [97, 0x10, 0x11, 98])).toEqual({ data: [97], detach: true });
  });

  it("finds the sequence across chunks", () => {
    const k = new DetachKeys();
    expect(feed(k, [97, 0x10])).toEqual({ data: [97], detach: false });
    expect(feed(k, [0x11])).toEqual({ data: [], detach: true });
  });

  it("forwards a ctrl-p that is not followed by ctrl-q", () => {
    const k = new DetachKeys();
    expect(feed(k, [0x10])).toEqual({ data: [], detach: false });
    expect(feed(k, [120])).toEqual({ data: [0x10, 120], detach: false });
    expect(feed(new DetachKeys(), [0x10, 0x10, 0x11])).toEqual({ data: [0x10], detach: true });
  });
});

describe("parseDetachKeys", () => {
  it("reads Docker's --detach-keys syntax", () => {
    expect(parseDetachKeys("ctrl-p,ctrl-q")).toEqual([0x10, 0x11]);
    expect(parseDetachKeys("ctrl-a,d")).toEqual([1, 100]);
    expect(parseDetachKeys("CTRL-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_")).toEqual([0, 27, 28, 29, 30, 31]);
  });

  it("refuses anything else with one line that shows the syntax", () => {
    for (const bad of ["", "ctrl-", "ctrl-1", "alt-x", "ctrl-pq", "a,,b"])
      expect(() => parseDetachKeys(bad)).toThrowError(/invalid detach keys .*e\.g\. ctrl-p,ctrl-q/);
  });
});

describe("DetachKeys with another sequence", () => {
  it("detaches on the given keys, and forwards a broken-off prefix", () => {
    const k = new DetachKeys(parseDetachKeys("ctrl-a,d"));
    expect(feed(k, [1, 120])).toEqual({ data: [1, 120], detach: false });
    // ctrl-p ctrl-q mean nothing now.
    expect(feed(k, [0x10, 0x11])).toEqual({ data: [0x10, 0x11], detach: false });
    expect(feed(k, [104, 1])).toEqual({ data: [104], detach: false });
    expect(feed(k, [100, 101])).toEqual({ data: [], detach: true });
    expect(feed(new DetachKeys([1, 1, 100]), [1, 1, 1, 100])).toEqual({ data: [1], detach: true });
  });
});
