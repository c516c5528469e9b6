/**
 * The client half of an interactive stream (exec, attach): our stdin goes up as it arrives, the
 * output comes down as it arrives. On a terminal, ours is put in raw mode for the session (the
 * remote pty does the echoing and line editing) and Docker's detach keys end it.
 */
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { ExecOutput } from "@tsc/api";
import { ExitError } from "../common/run-cli.js";

/** Docker's default detach keys: ctrl-p ctrl-q. */
const CTRL_P = 0x10;
const CTRL_Q = 0x11;

/**
 * Finds ctrl-p ctrl-q in a terminal's input, across chunks. `feed` returns what to forward and
 * whether the sequence was typed (then what followed it is dropped). A ctrl-p followed by anything
 * else is forwarded with it, as Docker does.
 */
export class DetachKeys {
  private held = false;

  /** See the class comment. */
  feed(chunk: Buffer): { data: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (this.held) {
        this.held = false;
        if (b === CTRL_Q) return { data: Buffer.from(out), detach: true };
        out.push(CTRL_P);
      }
      if (b === CTRL_P) this.held = true;
      else out.push(b);
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
  /** Honour ctrl-p ctrl-q on a terminal (attach, run); exec sessions do not detach. */
  detachKeys: boolean;
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
  const keys = raw && o.detachKeys ? new DetachKeys() : undefined;
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
  } else call.end();
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
