import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Coalescer } from "./coalescer.js";

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Coalescer", () => {
  it("runs a lone request on the next turn, not after the interval", () => {
    const run = vi.fn();
    const c = new Coalescer(run, 20);
    c.request();
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("batches a burst: at most one run per interval, none lost", () => {
    const run = vi.fn();
    const c = new Coalescer(run, 20);
    c.request();
    vi.advanceTimersByTime(0);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(2);
      c.request();
    }
    expect(run).toHaveBeenCalledTimes(1);
    // The burst's run comes 20 ms after the first started, once.
    vi.advanceTimersByTime(9);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(2);
    // Quiet again: the next request goes at once.
    c.request();
    vi.advanceTimersByTime(0);
    expect(run).toHaveBeenCalledTimes(3);
  });

  it("retries after a given delay, and drops what is pending on cancel", () => {
    const run = vi.fn();
    const c = new Coalescer(run, 20);
    c.requestIn(500);
    c.request();
    vi.advanceTimersByTime(499);
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    c.requestIn(500);
    c.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
