/** Anything that announces changes (a `CollectionCache`). */
export interface Subscribable {
  subscribe(fn: () => void): () => void;
}

/** Calls `trigger` whenever any of `sources` changes, until `signal` aborts. */
export function followChanges(
  sources: Subscribable[],
  signal: AbortSignal,
  trigger: () => void,
): Promise<void> {
  const offs = sources.map((s) => s.subscribe(trigger));
  return new Promise<void>((resolve) => {
    const end = (): void => {
      for (const off of offs) off();
      resolve();
    };
    if (signal.aborted) end();
    else signal.addEventListener("abort", end, { once: true });
  });
}

/**
 * The shape every manager component shares (after SwarmKit): built from the store, `run(signal)`
 * loops over a watch until the signal aborts, `stop()` aborts it and waits for the loop to end.
 */
export abstract class Component {
  private loop: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private pending = false;
  private running = false;
  private wake: (() => void) | undefined;
  private lastStart = 0;
  private lastDuration = 0;

  constructor(
    readonly name: string,
    protected readonly log: (line: string) => void,
    /**
     * Least time between the starts of two passes, so changes arriving meanwhile are batched. The
     * pause after a pass is also no longer than the pass took: a cheap pass (a small cluster)
     * follows the change that triggered it almost at once instead of up to this long after, and
     * a component still spends at most about half its time in passes under a stream of changes.
     */
    private readonly minIntervalMs = 0,
  ) {}

  /** One reconciliation pass over the whole state (idempotent). */
  protected abstract reconcile(): Promise<void>;

  /** Watches that should trigger a pass; each resolves when `signal` aborts. */
  protected abstract watch(signal: AbortSignal, trigger: () => void): Promise<void>[];

  /** Starts the loop (once). */
  run(signal?: AbortSignal): void {
    if (this.loop) return;
    this.abort = new AbortController();
    const ac = this.abort;
    signal?.addEventListener("abort", () => ac.abort(), { once: true });
    const watches = this.watch(ac.signal, () => this.trigger());
    this.loop = (async () => {
      this.trigger();
      while (!ac.signal.aborted) {
        if (!this.pending)
          await new Promise<void>((resolve) => {
            const onAbort = (): void => resolve();
            this.wake = () => {
              ac.signal.removeEventListener("abort", onAbort);
              resolve();
            };
            ac.signal.addEventListener("abort", onAbort, { once: true });
          });
        if (ac.signal.aborted) break;
        const pause = Math.min(this.lastDuration, this.minIntervalMs - this.lastDuration);
        const wait = this.lastStart + this.lastDuration + pause - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        this.lastStart = performance.now();
        this.pending = false;
        this.running = true;
        try {
          await this.reconcile();
        } catch (e) {
          this.log(`${this.name}: ${(e as Error).message}`);
          await new Promise((r) => setTimeout(r, 500));
          this.pending = true;
        } finally {
          this.running = false;
          this.lastDuration = performance.now() - this.lastStart;
        }
      }
      await Promise.allSettled(watches);
    })();
  }

  /** Asks for another pass (coalesced with any already pending). */
  trigger(): void {
    this.pending = true;
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Whether a pass is running or pending. */
  get busy(): boolean {
    return this.pending || this.running;
  }

  /** Stops the loop and waits for it. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }
}
