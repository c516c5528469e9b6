/**
 * The client half of an interactive stream (exec, attach): our stdin goes up as it arrives, the
 * output comes down as it arrives. On a terminal, ours is put in raw mode for the session (the
 * remote pty does the echoing and line editing) and Docker's detach keys end it.
 */
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { ExecOutput } from "@tsc/api";
import { ExitError } from "../common/run-cli.js";

/** Docker's default detach keys: ctrl-p ctrl-q. */
export const DEFAULT_DETACH_KEYS: readonly number[] = [0x10, 0x11];

/** ctrl-<key> codes beyond a-z, as Docker reads `--detach-keys`. */
const CTRL_SPECIAL: Record<string, number> = { "@": 0, "[": 27, "\\": 28, "]": 29, "^": 30, _: 31 };

/**
 * Docker's `--detach-keys` syntax: a comma-separated list of single characters and `ctrl-<c>`
 * (c in a-z, @, [, \, ], ^, _), e.g. `ctrl-p,ctrl-q` or `ctrl-a,d`. Throws a one-line error.
 */
export function parseDetachKeys(spec: string): number[] {
  const bad = (): ExitError =>
    new ExitError(
      1,
      `invalid detach keys ${JSON.stringify(spec)}: use a comma-separated list of characters and ` +
        "ctrl-<a-z, @, [, \\, ], ^, _>, e.g. ctrl-p,ctrl-q",
    );
  if (!spec) throw bad();
  return spec.split(",").map((key) => {
    if (key.length === 1) return key.charCodeAt(0);
    const k = key.toLowerCase();
    if (!k.startsWith("ctrl-") || k.length !== 6) throw bad();
    const c = k[5]!;
    if (c >= "a" && c <= "z") return c.charCodeAt(0) - 96;
    const special = CTRL_SPECIAL[c];
    if (special === undefined) throw bad();
    return special;
  });
}

/**
 * Finds the detach key sequence (default ctrl-p ctrl-q) in a terminal's input, across chunks.
 * `feed` returns what to forward and whether the sequence was typed (then what followed it is
 * dropped). A partial sequence followed by anything else is forwarded with it, as Docker does.
 */
export class DetachKeys {
  private matched = 0;

  constructor(private readonly sequence: readonly number[] = DEFAULT_DETACH_KEYS) {}

  /** See the class comment. */
  feed(chunk: Buffer): { data: Buffer; detach: boolean } {
    const out: number[] = [];
    const seq = this.sequence;
    for (const b of chunk) {
      // The held bytes plus this one: keep their longest end that starts the sequence, forward the rest.
      const held = [...seq.slice(0, this.matched), b];
      let keep = Math.min(held.length, seq.length);
      while (keep > 0 && !held.slice(held.length - keep).every((x, i) => x === seq[i])) keep--;
      out.push(...held.slice(0, held.length - keep));
      this.matched = keep;
      if (keep === seq.length) {
        this.matched = 0;
        return { data: Buffer.from(out), detach: true };
      }
    }
    return { data: Buffer.from(out), detach: false };
  }
}

/** How a session uses our stdio. */
export interface SessionOptions {
  /** Forward our stdin (else the client's side of the stream is closed at once). */
  stdin: boolean;
  /** The remote side is a terminal: raw mode for ours (when stdin is one), detach keys, sizes. */
  tty: boolean;
  /** The detach key sequence honoured on a terminal (attach, run); exec sessions do not detach. */
  detachKeys?: readonly number[];
}

/** How the stream's messages are made. */
export interface SessionMessages<In> {
  stdin(data: Buffer): In;
  closeStdin(): In;
  /** A terminal size message, when the stream takes them after the first. */
  resize?(rows: number, cols: number): In;
}

/** What a session ended with. */
export interface SessionResult {
  /** The exit code the stream ended with; undefined when it ended without one (a detach). */
  exitCode: number | undefined;
  /** The user typed the detach keys. */
  detached: boolean;
}

/** Our terminal's size, when stdout is one. */
export function terminalSize(): { rows: number; cols: number } {
  return process.stdout.isTTY
    ? { rows: process.stdout.rows, cols: process.stdout.columns }
    : { rows: 0, cols: 0 };
}

/**
 * Relays a started stream (its first message already written) until it ends: stdin up as it
 * arrives, stdout and stderr down as they arrive. Errors of the stream are thrown as they come
 * (the caller words them).
 */
export async function runSession<In>(
  call: ClientDuplexStream<In, ExecOutput>,
  o: SessionOptions,
  msg: SessionMessages<In>,
): Promise<SessionResult> {
  const stdin = process.stdin;
  const raw = o.tty && o.stdin && stdin.isTTY;
  const keys = raw && o.detachKeys?.length ? new DetachKeys(o.detachKeys) : undefined;
  let detached = false;
  let inputOpen = o.stdin;
  const endInput = (): void => {
    if (!inputOpen) return;
    inputOpen = false;
    call.write(msg.closeStdin());
    call.end();
  };
  const onData = (chunk: Buffer): void => {
    if (!inputOpen) return;
    const { data, detach } = keys ? keys.feed(chunk) : { data: chunk, detach: false };
    if (data.length) call.write(msg.stdin(data));
    if (!detach) return;
    detached = true;
    inputOpen = false;
    call.cancel();
  };
  const onResize = (): void => {
    const { rows, cols } = terminalSize();
    if (msg.resize && rows && cols) call.write(msg.resize(rows, cols));
  };
  if (o.stdin) {
    if (raw) stdin.setRawMode(true);
    stdin.on("data", onData);
    stdin.on("end", endInput);
    stdin.on("error", endInput);
  } else if (!(o.tty && msg.resize)) call.end();
  // With a terminal and no stdin the stream stays open for terminal sizes; the server ends it.
  if (o.tty && msg.resize) process.on("SIGWINCH", onResize);
  let exitCode: number | undefined;
  try {
    for await (const m of call as AsyncIterable<ExecOutput>) {
      if (m.stdout.length) process.stdout.write(m.stdout);
      if (m.stderr.length) process.stderr.write(m.stderr);
      if (m.exited) exitCode = m.exitCode;
    }
  } catch (e) {
    if (!detached) throw e;
  } finally {
    process.off("SIGWINCH", onResize);
    if (o.stdin) {
      stdin.off("data", onData);
      stdin.off("end", endInput);
      stdin.off("error", endInput);
      if (raw) stdin.setRawMode(false);
      // Stop reading so the process can exit while our stdin is still open.
      stdin.destroy();
    }
  }
  return { exitCode, detached };
}

/** Docker's refusal of `-it` when our stdin is not a terminal. */
export function checkTerminalInput(interactive: boolean, tty: boolean): void {
  if (interactive && tty && !process.stdin.isTTY) throw new ExitError(1, "the input device is not a TTY");
}
