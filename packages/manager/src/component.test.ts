import { describe, expect, it } from "vitest";
import { Component } from "./component.js";

/** A component whose passes take `passMs` and are triggered by hand. */
class Probe extends Component {
  readonly starts: number[] = [];
  fire: () => void = () => undefined;

  constructor(
    minIntervalMs: number,
    private readonly passMs: number,
  ) {
    super("probe", () => undefined, minIntervalMs);
  }

  protected async reconcile(): Promise<void> {
    this.starts.push(performance.now());
    await new Promise((r) => setTimeout(r, this.passMs));
  }

  protected watch(signal: AbortSignal, trigger: () => void): Promise<void>[] {
    this.fire = trigger;
    return [new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }))];
  }
}

async function secondPassDelay(minIntervalMs: number, passMs: number): Promise<number> {
  const p = new Probe(minIntervalMs, passMs);
  p.run();
  while (p.starts.length < 1 || p.busy) await new Promise((r) => setTimeout(r, 1));
  p.fire();
  while (p.starts.length < 2) await new Promise((r) => setTimeout(r, 1));
  await p.stop();
  return p.starts[1]! - p.starts[0]!;
}

describe("Component", () => {
  it("follows a change at once when its passes are cheap, however long its batching interval", async () => {
    // The old fixed spacing held this pass back for the whole second.
    expect(await secondPassDelay(1000, 2)).toBeLessThan(500);
  });

  it("keeps its passes at least its interval apart when they are not cheap", async () => {
    // 60 ms passes, 100 ms interval: the old spacing, start to start (60 with no pause). Timers may
    // fire a millisecond early against performance.now(), hence the margin.
    expect(await secondPassDelay(100, 60)).toBeGreaterThanOrEqual(90);
  });

  it("adds no pause after passes longer than its interval", async () => {
    // 200 ms passes, 150 ms interval: back to back (a pause of the interval would make it 350).
    const delay = await secondPassDelay(150, 200);
    expect(delay).toBeGreaterThanOrEqual(190);
    expect(delay).toBeLessThan(330);
  });
});
