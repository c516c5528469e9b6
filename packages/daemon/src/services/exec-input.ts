import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { ExecInput, ExecOutput } from "@tsc/api";

/**
 * Reads an exec stream's input: the first message (the command) and, until `closeStdin` or the
 * end of the client's stream, its stdin. Without stdin (`closeStdin` on the first message) it
 * returns at once.
 */
export function readExecInput(
  call: ServerDuplexStream<ExecInput, ExecOutput>,
): Promise<{ first: ExecInput; stdin: Buffer | undefined }> {
  return new Promise((resolve, reject) => {
    let first: ExecInput | undefined;
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      call.off("data", onData);
      if (!first) reject(new Error("exec stream ended before its command"));
      else resolve({ first, stdin: chunks.length ? Buffer.concat(chunks) : undefined });
    };
    const onData = (m: ExecInput): void => {
      if (!first) first = m;
      if (m.stdin?.length) chunks.push(m.stdin);
      if (m.closeStdin) finish();
    };
    call.on("data", onData);
    call.on("end", finish);
    call.on("error", (e) => {
      if (!done) reject(e);
    });
  });
}
