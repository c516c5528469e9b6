import type { Readable } from "node:stream";
import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Agent } from "@tsc/agent";
import type { AttachInput, ExecInput, ExecOutput } from "@tsc/api";
import { invalidArgument } from "@tsc/core";
import type { AttachConnection, ContainerSpec } from "@tsc/runtime";
import { collectExec, resizeExecTerminal } from "@tsc/runtime";
import { StreamInput } from "./stream-input.js";

type OutputCall = ServerDuplexStream<unknown, ExecOutput>;

/** Output replies on a call that may have been cancelled (writes then go nowhere). */
class Output {
  private cancelled = false;

  constructor(private readonly call: OutputCall) {
    call.on("cancelled", () => (this.cancelled = true));
  }

  /** Sends one reply; false when the client is behind (wait for `drain`). */
  send(m: Partial<ExecOutput>): boolean {
    if (this.cancelled) return true;
    return this.call.write({
      stdout: Buffer.alloc(0),
      stderr: Buffer.alloc(0),
      exited: false,
      exitCode: 0,
      ...m,
    });
  }

  /** Relays a readable as `field` replies, pausing it while the client is behind. */
  relay(source: Readable, field: "stdout" | "stderr"): void {
    source.on("data", (b: Buffer) => {
      if (this.send({ [field]: b })) return;
      source.pause();
      this.call.once("drain", () => source.resume());
    });
  }
}

/**
 * `Exec`: starts the command at the first message and streams both ways: stdin as it comes (its
 * end closes the command's stdin), terminal sizes as they come, output as it comes, then the exit
 * code. `detach` answers at once.
 */
export async function execStream(
  agent: Agent,
  call: ServerDuplexStream<ExecInput, ExecOutput>,
): Promise<void> {
  const input = new StreamInput<ExecInput>(call, (m) => ({ data: m.stdin, close: m.closeStdin }));
  const first = await input.first;
  if (!first.args?.length) throw invalidArgument("exec needs a command");
  const child = await agent.execStream(first.container ?? "", {
    args: first.args,
    env: first.env,
    cwd: first.workdir || undefined,
    user: first.user || undefined,
    tty: first.tty,
    rows: first.rows,
    cols: first.cols,
  });
  const out = new Output(call as OutputCall);
  if (first.detach) {
    collectExec(child, { stdin: "" }).catch(() => undefined);
    out.send({ exited: true, exitCode: 0 });
    return;
  }
  const exited = new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 255));
  });
  child.stdin.on("error", () => undefined);
  out.relay(child.stdout, "stdout");
  out.relay(child.stderr, "stderr");
  let sentStdin = false;
  input.pipeTo(
    {
      write: (b) => {
        sentStdin = true;
        child.stdin.write(b);
      },
      end: () => {
        // A terminal echoes what it is sent (a closed pipe reads as ^@): with a TTY and no input,
        // stdin stays open until the command ends.
        if (first.tty && !sentStdin) child.on("close", () => child.stdin.destroy());
        else child.stdin.end();
      },
    },
    // Later messages with a size resize the terminal (the client's window changed).
    (m) => {
      if (first.tty && m.rows && m.cols) void resizeExecTerminal(child, m.rows, m.cols);
    },
  );
  out.send({ exited: true, exitCode: await exited });
}

/** Whether a client's EOF closes the container's stdin (see conmonStdioArgs); else stdin outlives clients. */
function eofClosesStdin(spec: ContainerSpec): boolean {
  return !!spec.stdinOnce && !spec.tty;
}

/**
 * `Attach`: connects to the container's conmon (starting the container first when asked) and
 * streams both ways until the container exits (then, with `wait`, sends its exit code) or the client
 * detaches: it cancels, or its stdin ends while the container's stdin outlives its clients and the
 * session did not start the container (a session that started it stays until it exits).
 */
export async function attachStream(
  agent: Agent,
  call: ServerDuplexStream<AttachInput, ExecOutput>,
): Promise<void> {
  const input = new StreamInput<AttachInput>(call, (m) => ({ data: m.data, close: m.closeStdin }));
  const first = await input.first;
  const out = new Output(call as OutputCall);
  let detached = false;
  // Set once attached; the client may cancel before (while the container starts).
  const held: { connection?: AttachConnection } = {};
  const detach = (): void => {
    detached = true;
    held.connection?.close();
  };
  call.on("cancelled", detach);
  let ended!: () => void;
  const over = new Promise<void>((resolve) => (ended = resolve));
  const attached = await agent.attach(
    first.container ?? "",
    {
      onOutput: (stream, data) => out.send({ [stream]: data }),
      onEnd: () => ended(),
      // Sized before a container the attach starts runs its process (`run -t`, `start -a`).
      ...(first.rows && first.cols ? { initialSize: { rows: first.rows, cols: first.cols } } : {}),
    },
    { start: first.start },
  );
  const { connection: conn, container } = attached;
  held.connection = conn;
  if (detached) detach();
  const resize = (m: AttachInput): void => {
    if (m.rows && m.cols) void conn.resize(m.rows, m.cols);
  };
  const spec = container.spec;
  if (first.stdin && spec.openStdin)
    input.pipeTo(
      {
        write: (b) => conn.write(b),
        end: () => {
          conn.closeStdin();
          if (!first.start && !eofClosesStdin(spec)) detach();
        },
      },
      resize,
    );
  else input.pipeTo({ write: () => undefined, end: () => undefined }, resize);
  await over;
  if (!first.wait || detached) return;
  // The record outlives a removal (`--rm`) that may follow the exit at once.
  const exitCode = await agent.containers.wait(container.id).catch(() => container.exitCode);
  out.send({ exited: true, exitCode });
}
