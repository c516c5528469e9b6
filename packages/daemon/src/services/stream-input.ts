import type { ServerDuplexStream } from "@grpc/grpc-js";

/** Where a stream's stdin goes. */
export interface StdinSink {
  write(data: Buffer): void;
  /** The client's stdin ended (`close_stdin`, or the end of its stream). Called once. */
  end(): void;
}

/**
 * The client side of an interactive stream (exec, attach): `first` is the request (the first
 * message), then stdin as it comes. Stdin that arrives before `pipeTo` is kept for the sink; a
 * message's `close` flag, the end of the client's stream, or its cancellation ends it. Every later
 * message also goes to `onMessage` (for terminal sizes).
 */
export class StreamInput<T> {
  /** The first message; rejects when the stream ends or fails before one came. */
  readonly first: Promise<T>;
  private readonly pending: Buffer[] = [];
  private ended = false;
  private sink: StdinSink | undefined;
  private onMessage: ((m: T) => void) | undefined;

  constructor(
    call: ServerDuplexStream<T, unknown>,
    private readonly stdinOf: (m: T) => { data?: Buffer; close?: boolean },
  ) {
    let seen = false;
    this.first = new Promise<T>((resolve, reject) => {
      call.on("data", (m: T) => {
        if (!seen) resolve(m);
        else this.onMessage?.(m);
        seen = true;
        const { data, close } = this.stdinOf(m);
        if (data?.length) this.push(data);
        if (close) this.end();
      });
      call.on("end", () => {
        if (!seen) reject(new Error("the stream ended before its request"));
        this.end();
      });
      call.on("error", (e) => {
        if (!seen) reject(e);
        this.end();
      });
      call.on("cancelled", () => {
        if (!seen) reject(new Error("the stream was cancelled before its request"));
        this.end();
      });
    });
  }

  /** Sends stdin (what came so far, then what comes) to `sink`; other messages to `onMessage`. */
  pipeTo(sink: StdinSink, onMessage?: (m: T) => void): void {
    this.sink = sink;
    this.onMessage = onMessage;
    for (const b of this.pending.splice(0)) sink.write(b);
    if (this.ended) sink.end();
  }

  private push(data: Buffer): void {
    if (this.ended) return;
    if (this.sink) this.sink.write(data);
    else this.pending.push(data);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink?.end();
  }
}
