/**
 * A client of conmon's attach socket: the one way to reach a running container's stdio.
 *
 * conmon (2.1.x, src/conn_sock.c) listens on `<bundle>/attach`, a SOCK_SEQPACKET unix socket
 * (which Node's `net` cannot open; `node-unix-socket` can). Every packet conmon sends is one read
 * of the container's output, prefixed with one byte naming the pipe (2 = stdout, 3 = stderr; a
 * terminal's output is all stdout). Every packet a client sends is written to the container's stdin
 * (dropped when conmon holds none). When a client half-closes or goes away, conmon closes the
 * container's stdin unless it runs with `--leave-stdin-open`. When the container exits, conmon
 * drains its output to the clients and closes them. Terminal resizes go through the `<bundle>/ctl`
 * FIFO as `1 <rows> <cols>\n`.
 */
import { closeSync, constants, openSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { failedPrecondition } from "@tsc/core";
import type * as UnixSocket from "node-unix-socket";
import type { SeqpacketSocket } from "node-unix-socket";

/** conmon's pipe numbers: the first byte of each packet it sends. */
export const ATTACH_STDOUT = 2;
/** See ATTACH_STDOUT. */
export const ATTACH_STDERR = 3;
/** conmon reads client packets into a 32 KiB buffer and drops the rest: stdin goes in smaller ones. */
export const ATTACH_MAX_PACKET = 8192;

/** Which output stream a packet carries. */
export type AttachStream = "stdout" | "stderr";

/** One packet from conmon as output; undefined for an empty packet or an unknown pipe byte. */
export function parseAttachPacket(packet: Buffer): { stream: AttachStream; data: Buffer } | undefined {
  if (packet.length < 2) return undefined;
  const pipe = packet[0];
  if (pipe !== ATTACH_STDOUT && pipe !== ATTACH_STDERR) return undefined;
  return { stream: pipe === ATTACH_STDOUT ? "stdout" : "stderr", data: packet.subarray(1) };
}

/** `data` cut into packets conmon reads whole (at most `max` bytes each). */
export function stdinPackets(data: Buffer, max = ATTACH_MAX_PACKET): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += max) out.push(data.subarray(i, i + max));
  return out;
}

/** What an attach connection reports. */
export interface AttachHandlers {
  /** Output as conmon sends it, in order. */
  onOutput(stream: AttachStream, data: Buffer): void;
  /** Called once when the connection is over: conmon closed it (the container exited), it failed, or `close` was called. */
  onEnd(error?: Error): void;
  /**
   * A terminal size to set as soon as the connection is open (TTY containers). A container that
   * the attach starts gets it before its process runs (Docker sizes the terminal at start).
   */
  initialSize?: { rows: number; cols: number };
}

/** One open connection to a container's attach socket. */
export interface AttachConnection {
  /** Sends bytes to the container's stdin. */
  write(data: Buffer): void;
  /** Half-closes the connection: EOF for conmon (see the module comment); output keeps coming. */
  closeStdin(): void;
  /** Sets the terminal's size (TTY containers; ignored otherwise). */
  resize(rows: number, cols: number): Promise<void>;
  /** Closes the connection (detaches); onEnd follows. Safe to call more than once. */
  close(): void;
}

let loaded: Promise<typeof UnixSocket> | undefined;

/** The native addon, loaded on first use so nothing else pays for it (or fails with it). */
function addon(): Promise<typeof UnixSocket> {
  loaded ??= import("node-unix-socket");
  return loaded;
}

/**
 * Connects to conmon's attach socket in `bundleDir` (where conmon puts `attach` and `ctl`). The
 * socket is reached through `/proc/self/fd/<dir fd>/attach`, as conmon binds it, because a bundle
 * path can be longer than a unix socket address allows. Rejects with FailedPrecondition when
 * nothing listens (the container is not running under conmon).
 */
export async function connectAttach(bundleDir: string, handlers: AttachHandlers): Promise<AttachConnection> {
  const { SeqpacketSocket } = await addon();
  let dirFd: number;
  try {
    dirFd = openSync(bundleDir, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (e) {
    throw failedPrecondition(`cannot attach: ${(e as Error).message}`);
  }
  const sock: SeqpacketSocket = new SeqpacketSocket();
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once("error", reject);
      try {
        sock.connect(`/proc/self/fd/${dirFd}/attach`, () => {
          sock.off("error", reject);
          resolve();
        });
      } catch (e) {
        reject(e as Error);
      }
    });
  } catch (e) {
    sock.destroy();
    throw failedPrecondition(
      `cannot attach: the container's monitor does not answer (${(e as Error).message})`,
    );
  } finally {
    closeSync(dirFd);
  }
  const conn = wrapSocket(sock, bundleDir, handlers);
  if (handlers.initialSize) await conn.resize(handlers.initialSize.rows, handlers.initialSize.cols);
  return conn;
}

/** The AttachConnection over a connected socket (exported for tests with a fake conmon). */
export function wrapSocket(
  sock: SeqpacketSocket,
  bundleDir: string,
  handlers: AttachHandlers,
): AttachConnection {
  let over = false;
  const finish = (error?: Error): void => {
    if (over) return;
    over = true;
    sock.destroy();
    handlers.onEnd(error);
  };
  sock.on("data", (packet: Buffer) => {
    const out = parseAttachPacket(packet);
    if (out && !over) handlers.onOutput(out.stream, out.data);
  });
  sock.on("end", () => finish());
  sock.on("close", () => finish());
  sock.on("error", (e: Error) => finish(e));
  let stdinClosed = false;
  return {
    write(data) {
      if (over || stdinClosed) return;
      try {
        for (const p of stdinPackets(data)) sock.write(p);
      } catch (e) {
        finish(e as Error);
      }
    },
    closeStdin() {
      if (over || stdinClosed) return;
      stdinClosed = true;
      sock.end();
    },
    resize: (rows, cols) => resizeTerminal(bundleDir, rows, cols),
    close: () => finish(),
  };
}

/** Writes a resize request to conmon's control FIFO; a no-op when conmon is gone. */
export async function resizeTerminal(bundleDir: string, rows: number, cols: number): Promise<void> {
  if (!(rows > 0 && cols > 0)) return;
  // Non-blocking: opening a FIFO nobody reads fails (ENXIO) instead of hanging.
  const fh = await open(join(bundleDir, "ctl"), constants.O_WRONLY | constants.O_NONBLOCK).catch(
    () => undefined,
  );
  if (!fh) return;
  try {
    await fh.write(`1 ${Math.floor(rows)} ${Math.floor(cols)}\n`);
  } catch {
    // conmon went away meanwhile.
  } finally {
    await fh.close();
  }
}
