/**
 * Runs a flush soon after it is asked for, batching what is asked meanwhile, without delaying the
 * first one: a request when the last run started at least `intervalMs` ago runs on the next turn
 * of the event loop; one sooner runs `intervalMs` after that last start. So a lone update (the last
 * container of an `up` reporting running) goes out at once, and a burst goes out at most once per
 * interval. Requests while a run is pending join it.
 */
export class Coalescer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private lastRun = -Infinity;

  constructor(
    private readonly run: () => void,
    private readonly intervalMs: number,
  ) {}

  /** Asks for a run: at once if none started within the interval, else at its end. */
  request(): void {
    if (this.timer || this.immediate) return;
    const wait = this.lastRun + this.intervalMs - performance.now();
    if (wait > 0) this.timer = setTimeout(() => this.fire(), wait);
    else this.immediate = setImmediate(() => this.fire());
  }

  /** Asks for a run `ms` from now (a retry), unless one is already pending. */
  requestIn(ms: number): void {
    if (this.timer || this.immediate) return;
    this.timer = setTimeout(() => this.fire(), ms);
  }

  /** Drops a pending run. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
  }

  private fire(): void {
    this.timer = this.immediate = undefined;
    this.lastRun = performance.now();
    this.run();
  }
}
