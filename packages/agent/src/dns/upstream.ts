import { randomInt } from "node:crypto";
import dgram from "node:dgram";
import { readFile } from "node:fs/promises";
import net from "node:net";

/** The parsed parts of a resolv.conf that matter to a forwarding resolver. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: string[];
}

/** An upstream resolver endpoint. */
export interface Upstream {
  address: string;
  port: number;
  family: 4 | 6;
}

/** Parses resolv.conf text: `nameserver` lines in order, the last `search`/`domain` line, every `options` token. */
export function readResolvConf(text: string): ResolvConf {
  const conf: ResolvConf = { nameservers: [], search: [], options: [] };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/[#;].*$/, "").trim();
    const [key, ...args] = line.split(/\s+/);
    if (!key || args.length === 0) continue;
    switch (key) {
      case "nameserver":
        conf.nameservers.push(args[0]!);
        break;
      case "search":
        conf.search = args;
        break;
      case "domain":
        conf.search = [args[0]!];
        break;
      case "options":
        conf.options.push(...args);
        break;
    }
  }
  return conf;
}

/** True for 127.0.0.0/8 and ::1, which are unreachable from a container's network namespace. */
export function isLoopback(address: string): boolean {
  return (net.isIPv4(address) && address.startsWith("127.")) || address === "::1";
}

/** The host's nameservers from resolv.conf (valid IPs only; none if the file is missing), optionally without loopback ones. */
export async function hostUpstreams(path = "/etc/resolv.conf", skipLoopback = false): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return readResolvConf(text).nameservers.filter(
    (ns) => net.isIP(ns) !== 0 && !(skipLoopback && isLoopback(ns)),
  );
}

/** Parses "ip", "ip:port", "ipv6" or "[ipv6]:port" (port 53 by default); throws on anything else. */
export function parseUpstream(spec: string): Upstream {
  let address = spec;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(spec);
  if (bracketed) {
    address = bracketed[1]!;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (net.isIP(spec) === 0) {
    const colon = spec.lastIndexOf(":");
    address = spec.slice(0, colon);
    port = colon > 0 && /^\d+$/.test(spec.slice(colon + 1)) ? Number(spec.slice(colon + 1)) : NaN;
  }
  const family = net.isIP(address);
  if (family === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`invalid DNS upstream "${spec}": expected "ip" or "ip:port"`);
  }
  return { address, port, family: family === 6 ? 6 : 4 };
}

/** {@link parseUpstream}'s upstream in a list, or an empty list for a spec it refuses (for `flatMap`). */
export function tryParseUpstream(spec: string): Upstream[] {
  try {
    return [parseUpstream(spec)];
  } catch {
    return [];
  }
}

type Pending = {
  upstreams: Upstream[];
  question: string;
  timer?: NodeJS.Timeout;
  done: (answer?: Buffer) => void;
};

/** Forwards raw queries upstream: UDP over a shared socket per family with ID remapping, TCP over a connection per query. */
export class Forwarder {
  private readonly pending = new Map<number, Pending>();
  private readonly sockets = new Map<4 | 6, dgram.Socket>();
  private readonly tcpAborts = new Set<() => void>();

  constructor(private readonly timeoutMs: number) {}

  /** Sends `msg` under a fresh random ID, trying each upstream in turn; the answer carries the original ID again, undefined on timeout. */
  udp(msg: Buffer, ups: Upstream[]): Promise<Buffer | undefined> {
    if (this.pending.size >= 0xffff) return Promise.resolve(undefined);
    let id: number;
    do id = randomInt(0x10000);
    while (this.pending.has(id));
    const originalId = msg.readUInt16BE(0);
    const out = Buffer.from(msg);
    out.writeUInt16BE(id, 0);
    return new Promise((resolve) => {
      const entry: Pending = {
        upstreams: ups,
        question: questionOf(msg),
        done: (answer) => {
          clearTimeout(entry.timer);
          this.pending.delete(id);
          answer?.writeUInt16BE(originalId, 0);
          resolve(answer);
        },
      };
      this.pending.set(id, entry);
      let attempt = 0;
      const next = () => {
        const up = ups[attempt++];
        if (!up) return entry.done();
        safeSend(this.socket(up.family), out, up.port, up.address);
        entry.timer = setTimeout(next, this.timeoutMs / ups.length);
      };
      next();
    });
  }

  /** Sends `msg` over one TCP connection per attempt, moving on to the next upstream on connection errors; undefined on timeout. */
  tcp(msg: Buffer, ups: Upstream[]): Promise<Buffer | undefined> {
    return new Promise((resolve) => {
      let current: net.Socket | undefined;
      const done = (answer?: Buffer) => {
        if (!this.tcpAborts.delete(done)) return;
        clearTimeout(timer);
        current?.destroy();
        resolve(answer);
      };
      this.tcpAborts.add(done);
      const timer = setTimeout(done, this.timeoutMs);
      let i = 0;
      const tryNext = (): void => {
        const up = ups[i++];
        if (!up) return done();
        const sock = (current = net.connect({ host: up.address, port: up.port }, () =>
          sock.write(frame(msg)),
        ));
        let buf: Buffer = Buffer.alloc(0);
        sock.on("data", (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            done(Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0))));
          }
        });
        sock.on("error", () => {});
        sock.on("close", () => {
          if (this.tcpAborts.has(done) && current === sock) tryNext();
        });
      };
      tryNext();
    });
  }

  /** Settles every pending forward with undefined and closes the sockets. */
  async close(): Promise<void> {
    for (const p of [...this.pending.values()]) p.done();
    for (const abort of [...this.tcpAborts]) abort();
    const sockets = [...this.sockets.values()];
    this.sockets.clear();
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private socket(family: 4 | 6): dgram.Socket {
    let sock = this.sockets.get(family);
    if (sock) return sock;
    sock = dgram.createSocket(family === 6 ? "udp6" : "udp4");
    sock.on("error", () => {});
    sock.on("message", (answer, rinfo) => {
      if (answer.length < 12 || !(answer[2]! & 0x80)) return;
      const p = this.pending.get(answer.readUInt16BE(0));
      if (!p || questionOf(answer) !== p.question) return; // a late answer to a reused ID, or spoofed
      if (p.upstreams.some((u) => u.address === rinfo.address && u.port === rinfo.port)) p.done(answer);
    });
    this.sockets.set(family, sock);
    return sock;
  }
}

/** The first question of a message (raw, case-folded), to match answers to queries. */
function questionOf(msg: Buffer): string {
  let end = 12;
  while (end < msg.length && msg[end] !== 0) end += msg[end]! + 1;
  return msg.toString("latin1", 4, 6) + msg.toString("latin1", 12, end + 5).toLowerCase();
}

/** Prefixes a DNS message with its 2-byte length, as DNS over TCP wants. */
export function frame(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length, 0);
  return Buffer.concat([len, msg]);
}

/** Sends a datagram, ignoring a socket closed under us (the message is dropped, as UDP allows). */
export function safeSend(sock: dgram.Socket, msg: Buffer, port: number, address: string): void {
  try {
    sock.send(msg, port, address, () => {});
  } catch {
    // closed socket
  }
}
