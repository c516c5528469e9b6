import { describe, expect, it } from "vitest";
import { DetachKeys } from "./session.js";

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
