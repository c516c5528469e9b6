import { open, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** One line a container wrote. */
export interface LogEntry {
  /** UTC RFC 3339 with nine fractional digits (see utcLogTime). */
  time: string;
  stream: "stdout" | "stderr";
  /** The line, without its newline. */
  line: string;
}

/** Options for reading a container's log. */
export interface LogReadOptions {
  /** Only the last N lines (of what exists when reading starts). */
  tail?: number;
  /** Only lines at or after / before these times (Date or RFC 3339). */
  since?: Date;
  until?: Date;
  /**
   * Keep reading as the container writes, until `signal` aborts, `isDone` says it has exited or
   * the `until` time has passed (as Docker stops following there).
   */
  follow?: boolean;
  signal?: AbortSignal;
  isDone?: () => boolean | Promise<boolean>;
  /** Only these streams (default both). */
  streams?: ("stdout" | "stderr")[];
}

/** `TIME STREAM P|F TEXT`; TEXT may hold any character but the newline, `\r` included (TTY output). */
const LINE = /^(\S+) (stdout|stderr) ([FP]) (.*)$/s;

/** Whatever partial lines are still pending, as entries (a last line without a newline). */
function flushPartial(pending: Map<string, string>): LogEntry[] {
  const out = [...pending].map(([stream, line]) => ({
    time: new Date().toISOString(),
    stream: stream as LogEntry["stream"],
    line,
  }));
  pending.clear();
  return out;
}

/**
 * conmon's timestamp (RFC 3339 with nanoseconds and the host's offset, `…22.950798661+00:00`) as
 * Docker prints log times: UTC, nine fractional digits, `Z` (`…22.950798661Z`).
 */
export function utcLogTime(time: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return time;
  const seconds = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(seconds)) return time;
  return `${new Date(seconds).toISOString().slice(0, 19)}.${(m[2] ?? "").padEnd(9, "0").slice(0, 9)}Z`;
}

/** Parses conmon's k8s-file lines (`TIME STREAM P|F TEXT`), joining partial lines per stream through `pending`. */
export function parseK8sLog(text: string, pending: Map<string, string> = new Map()): LogEntry[] {
  const out: LogEntry[] = [];
  for (const raw of text.split("\n")) {
    const m = LINE.exec(raw);
    if (!m) continue;
    const [, time, stream, tag, body] = m as unknown as [string, string, "stdout" | "stderr", string, string];
    const joined = (pending.get(stream) ?? "") + body;
    if (tag === "P") pending.set(stream, joined);
    else {
      pending.delete(stream);
      out.push({ time: utcLogTime(time), stream, line: joined });
    }
  }
  return out;
}

/**
 * Reads a container log written by conmon (k8s-file format), with Docker's `logs` options: tail,
 * since/until, stream filter, and follow (an incremental read every 100 ms until aborted or the
 * container is done and everything has been read).
 */
export async function* readLogs(file: string, opts: LogReadOptions = {}): AsyncGenerator<LogEntry> {
  const keep = (e: LogEntry): boolean => {
    if (opts.streams && !opts.streams.includes(e.stream)) return false;
    const t = Date.parse(e.time);
    if (opts.since && t < opts.since.getTime()) return false;
    if (opts.until && t > opts.until.getTime()) return false;
    return true;
  };
  const pending = new Map<string, string>();
  let offset = 0;
  let carry = "";
  const readMore = async (): Promise<LogEntry[]> => {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size < offset) offset = 0; // truncated by rotation: start over
    if (size === offset) return [];
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(size - offset);
      const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
      offset += bytesRead;
      const text = carry + buf.subarray(0, bytesRead).toString("utf8");
      const lastNl = text.lastIndexOf("\n");
      carry = text.slice(lastNl + 1);
      return parseK8sLog(text.slice(0, lastNl + 1), pending).filter(keep);
    } finally {
      await fh.close();
    }
  };
  const until = opts.until?.getTime();
  const pastUntil = (): boolean => until !== undefined && Date.now() > until;
  /** The last of the log: what was written since the last read, then any partial line left. */
  const finish = async (): Promise<LogEntry[]> => [
    ...(await readMore()),
    ...flushPartial(pending).filter(keep),
  ];
  let first = await readMore();
  const done = !opts.follow || pastUntil() || (await opts.isDone?.());
  if (done) first.push(...(opts.follow ? await finish() : flushPartial(pending).filter(keep)));
  if (opts.tail !== undefined) first = opts.tail <= 0 ? [] : first.slice(-opts.tail);
  yield* first;
  if (done) return;
  while (!opts.signal?.aborted) {
    const more = await readMore();
    yield* more;
    if (pastUntil() || (more.length === 0 && (await opts.isDone?.()))) {
      yield* await finish();
      return;
    }
    const wait = until === undefined ? 100 : Math.min(100, until - Date.now() + 1);
    await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
  }
}
