import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTscError } from "@tsc/core";
import type { SeqpacketSocket } from "node-unix-socket";
import { SeqpacketServer } from "node-unix-socket";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AttachStream } from "./attach.js";
import { connectAttach, parseAttachPacket, resizeTerminal, stdinPackets } from "./attach.js";
import { conmonStdioArgs } from "./conmon.js";

describe("conmon's attach framing", () => {
  it("splits the pipe byte from the output", () => {
    expect(parseAttachPacket(Buffer.from([2, 104, 105]))).toEqual({
      stream: "stdout",
      data: Buffer.from("hi"),
    });
    expect(parseAttachPacket(Buffer.from([3, 33]))).toEqual({ stream: "stderr", data: Buffer.from("!") });
  });

  it("ignores empty packets and unknown pipes", () => {
    expect(parseAttachPacket(Buffer.alloc(0))).toBeUndefined();
    expect(parseAttachPacket(Buffer.from([2]))).toBeUndefined();
    expect(parseAttachPacket(Buffer.from([1, 65]))).toBeUndefined();
  });

  it("cuts stdin into packets conmon reads whole", () => {
    const sizes = stdinPackets(Buffer.alloc(20_000)).map((p) => p.length);
    expect(sizes).toEqual([8192, 8192, 3616]);
    expect(stdinPackets(Buffer.alloc(0))).toEqual([]);
  });

  it("asks conmon to keep stdin open unless a client's EOF must reach the container", () => {
    expect(conmonStdioArgs({})).toEqual([]);
    expect(conmonStdioArgs({ openStdin: true })).toEqual(["--stdin", "--leave-stdin-open"]);
    expect(conmonStdioArgs({ openStdin: true, stdinOnce: true })).toEqual(["--stdin"]);
    expect(conmonStdioArgs({ openStdin: true, stdinOnce: true, tty: true })).toEqual([
      "--terminal",
      "--stdin",
      "--leave-stdin-open",
    ]);
    expect(conmonStdioArgs({ tty: true })).toEqual(["--terminal"]);
  });
});

/** A fake conmon: a SOCK_SEQPACKET server at `<dir>/attach` recording what clients send. */
class FakeConmon {
  readonly server = new SeqpacketServer();
  readonly received: Buffer[] = [];
  client: SeqpacketSocket | undefined;
  readonly clientEnded: Promise<void>;
  readonly connected: Promise<SeqpacketSocket>;

  constructor(dir: string) {
    let ended!: () => void;
    this.clientEnded = new Promise((r) => (ended = r));
    this.connected = new Promise((resolve) =>
      this.server.on("connection", (s: SeqpacketSocket) => {
        this.client = s;
        s.on("data", (b: Buffer) => this.received.push(Buffer.from(b)));
        s.on("end", ended);
        resolve(s);
      }),
    );
    // Bound as conmon binds it: through the directory's descriptor, the path being too long.
    this.dirFd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    this.server.listen(`/proc/self/fd/${this.dirFd}/attach`);
  }

  private readonly dirFd: number;

  close(): void {
    this.client?.destroy();
    this.server.close();
    closeSync(this.dirFd);
  }
}

describe("connectAttach against a fake conmon", () => {
  let dir: string;
  let conmon: FakeConmon | undefined;
  beforeEach(() => {
    // Longer than a unix socket address may be: the connection goes through /proc/self/fd.
    dir = join(mkdtempSync(join(tmpdir(), "tsc-attach-")), "x".repeat(60), "y".repeat(60));
    mkdirSync(dir, { recursive: true });
  });
  afterEach(() => {
    conmon?.close();
    conmon = undefined;
    rmSync(join(dir, "../.."), { recursive: true, force: true });
  });

  function collector() {
    const output: [AttachStream, string][] = [];
    let endedWith: ((e?: Error) => void) | undefined;
    const ended = new Promise<Error | undefined>((r) => (endedWith = r));
    return {
      output,
      ended,
      handlers: {
        onOutput: (stream: AttachStream, data: Buffer) => output.push([stream, data.toString()]),
        onEnd: (e?: Error) => endedWith!(e),
      },
    };
  }

  it("relays output by stream, sends stdin, half-closes, and ends when conmon closes", async () => {
    conmon = new FakeConmon(dir);
    const c = collector();
    const conn = await connectAttach(dir, c.handlers);
    const peer = await conmon.connected;
    conn.write(Buffer.from("hello\n"));
    conn.write(Buffer.alloc(9000, 97));
    conn.closeStdin();
    await conmon.clientEnded;
    expect(conmon.received.map((b) => b.length)).toEqual([6, 8192, 808]);
    expect(conmon.received[0]!.toString()).toBe("hello\n");
    // Output keeps flowing after stdin is closed.
    peer.write(Buffer.from("\x02out"));
    peer.write(Buffer.from("\x03err"));
    peer.write(Buffer.from("\x02more"));
    peer.end();
    expect(await c.ended).toBeUndefined();
    expect(c.output).toEqual([
      ["stdout", "out"],
      ["stderr", "err"],
      ["stdout", "more"],
    ]);
  });

  it("ends once on close and drops later writes", async () => {
    conmon = new FakeConmon(dir);
    const c = collector();
    const conn = await connectAttach(dir, c.handlers);
    await conmon.connected;
    conn.close();
    conn.close();
    expect(await c.ended).toBeUndefined();
    expect(() => conn.write(Buffer.from("late"))).not.toThrow();
  });

  it("refuses with FailedPrecondition when nothing listens", async () => {
    const err = await connectAttach(dir, collector().handlers).catch((e: unknown) => e);
    expect(isTscError(err, "FailedPrecondition")).toBe(true);
  });

  it("writes terminal resizes to conmon's ctl FIFO, and ignores a missing one", async () => {
    await resizeTerminal(dir, 24, 80);
    execFileSync("mkfifo", [join(dir, "ctl")]);
    const reader = openSync(join(dir, "ctl"), constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await resizeTerminal(dir, 24, 80);
      const buf = Buffer.alloc(64);
      expect(buf.subarray(0, readSync(reader, buf)).toString()).toBe("1 24 80\n");
    } finally {
      closeSync(reader);
    }
  });
});
