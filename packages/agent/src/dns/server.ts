import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { Answer, DecodedPacket, OptAnswer } from "dns-packet";
import {
  Forwarder,
  frame,
  hostUpstreams,
  parseUpstream,
  tryParseUpstream,
  type Upstream,
} from "./upstream.js";

/** What the server asks the engine. `undefined` = not a name we own → forward upstream; `[]` = ours but no such name → NXDOMAIN; otherwise the IPv4 addresses to answer (every one, rotated between queries: see {@link DnsServer}). `client` is the querying container's IP. */
export type NameResolver = (name: string, client: string) => string[] | undefined;

/** Options of a {@link DnsServer}. */
export interface DnsServerOptions {
  resolve: NameResolver;
  /** Upstream resolvers as "ip" or "ip:port"; default: nameservers from /etc/resolv.conf. */
  upstreams?: string[];
  /**
   * The querying container's own upstream resolvers (its `--dns` / `dns:`, "ip" or "ip:port"), asked
   * instead of the default ones for the names it forwards; none (or `undefined`) = the default ones.
   * `client` is the querying container's IP. Called only for queries that are forwarded.
   */
  upstreamsOf?: (client: string) => string[] | undefined;
  /** With the resolv.conf default, drop 127.0.0.0/8 (and ::1) nameservers. */
  skipLoopbackUpstreams?: boolean;
  /** How long a forwarded query may take before the client gets SERVFAIL (default 2000). */
  forwardTimeoutMs?: number;
  /** TTL of the A records we answer, in seconds (default 5). */
  ttl?: number;
}

const FORMERR = 1;
const SERVFAIL = 2;
const NXDOMAIN = 3;
const NOTIMP = 4;
const TCP_IDLE_MS = 30_000;
/** Queries longer than this are answered but not cached (real ones are well under 100 bytes). */
const MAX_CACHED_QUERY = 512;
/** Cached queries per protocol; the oldest is dropped beyond this. */
const MAX_CACHE_ENTRIES = 4096;
/** Distinct answers (orders or sets of addresses) kept per cached query; the oldest is dropped beyond this. */
const MAX_VARIANTS = 8;

type Send = (msg: Buffer) => void;

/**
 * The encoded replies to one exact query (its bytes after the ID, so name with its case, type,
 * class, flags and EDNS record all match), per protocol. Same bytes decode to the same question,
 * so a hit skips dns-packet entirely; the resolver is still asked on every query and a reply is
 * reused only for the very addresses (same order) it was built from, so changed records, per-client
 * answers or a rotating resolver can never get a stale reply.
 */
interface CacheEntry {
  /** The decoded query (its ID is that of the query that created the entry). */
  q: DecodedPacket;
  /** The name as given to the resolver. */
  name: string;
  /** The largest reply allowed (UDP payload size, or 65535 over TCP). */
  limit: number;
  /** Oldest first. */
  variants: Variant[];
  /** Queries answered from this entry so far: the rotation of the next multi-address answer. */
  turn: number;
}
/** One cached reply: built from `ips` in the resolver's order, rotated on the way out. */
interface Variant {
  ips: string[];
  reply: Buffer;
  records: RecordLayout | undefined;
}
/** Where the answer records of a reply are: `count` records of `size` bytes from byte `at` to the end. */
interface RecordLayout {
  at: number;
  size: number;
  count: number;
}
interface Listener {
  port: number;
  udp: dgram.Socket;
  tcp: net.Server;
  conns: Set<net.Socket>;
}

/**
 * Serves A/AAAA for our names and forwards the rest (UDP over UDP, TCP over TCP) to the upstream
 * resolvers: the querying container's own ones when it has some, else the default ones. An answer
 * with several addresses is rotated by one between successive identical queries (round-robin, as
 * Docker's embedded DNS shuffles them), so clients that take the first address spread over them;
 * the rotation moves the records of the encoded reply, so it costs a copy, and the reply cache
 * still keys on the resolver's order.
 */
export class DnsServer {
  /** Queries answered, forwarded, failed, and answered with a cached reply (for tests and benchmarks). */
  readonly stats = { queries: 0, forwarded: 0, failures: 0, cacheHits: 0 };
  private readonly cache = { udp: new Map<string, CacheEntry>(), tcp: new Map<string, CacheEntry>() };
  private readonly listeners = new Map<string, Listener>();
  private readonly forwarder: Forwarder;
  private readonly ttl: number;
  private upstreams: Promise<Upstream[]> | undefined;
  /** The rotation of answers to queries too long to cache (they have no entry to count in). */
  private turn = 0;
  private closed = false;

  constructor(private readonly opts: DnsServerOptions) {
    this.ttl = opts.ttl ?? 5;
    this.forwarder = new Forwarder(opts.forwardTimeoutMs ?? 2000);
    if (opts.upstreams) this.upstreams = Promise.resolve(opts.upstreams.map(parseUpstream));
  }

  /** Starts listening on address:port over UDP and TCP (port 0 = pick one); resolves to the port. */
  async listen(address: string, port = 0): Promise<number> {
    if (this.closed) throw new Error("DNS server is closed");
    if (this.listeners.has(address)) throw new Error(`DNS server already listening on ${address}`);
    for (let attempt = 0; ; attempt++) {
      // Replies go to the source address, always an IP: a synchronous lookup spares a tick per send.
      const udp = dgram.createSocket({ type: net.isIPv6(address) ? "udp6" : "udp4", lookup: ipLookup });
      await started(udp, (done) => udp.bind(port, address, done)).catch((err) => {
        udp.close();
        throw err;
      });
      const chosen = udp.address().port;
      const conns = new Set<net.Socket>();
      const tcp = net.createServer((conn) => this.serveTcp(conn, conns));
      try {
        await started(tcp, (done) => tcp.listen(chosen, address, done));
      } catch (err) {
        udp.close();
        // Port 0 picked a UDP port whose TCP twin is taken: try another one.
        if (port === 0 && attempt < 5 && (err as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
        throw err;
      }
      udp.on("error", () => {});
      tcp.on("error", () => {});
      udp.on("message", (msg, rinfo) => {
        this.handle(msg, rinfo.address, "udp", (out) => sendUdp(udp, out, rinfo.port, rinfo.address));
      });
      this.listeners.set(address, { port: chosen, udp, tcp, conns });
      if (this.closed) await this.unlisten(address);
      return chosen;
    }
  }

  /** Stops listening on one address. */
  async unlisten(address: string): Promise<void> {
    const l = this.listeners.get(address);
    if (!l) return;
    this.listeners.delete(address);
    for (const conn of l.conns) conn.destroy();
    await Promise.all([
      new Promise<void>((resolve) => l.udp.close(() => resolve())),
      new Promise<void>((resolve) => l.tcp.close(() => resolve())),
    ]);
  }

  /** Closes every socket and pending forward; the server cannot be reused afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.forwarder.close(), ...[...this.listeners.keys()].map((a) => this.unlisten(a))]);
  }

  private serveTcp(conn: net.Socket, conns: Set<net.Socket>): void {
    conns.add(conn);
    conn.on("close", () => conns.delete(conn));
    conn.on("error", () => {});
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy());
    const client = (conn.remoteAddress ?? "").replace(/^::ffff:(?=\d+\.)/, "");
    let buf: Buffer = Buffer.alloc(0);
    conn.on("data", (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + msg.length);
        this.handle(msg, client, "tcp", (out) => {
          if (!conn.destroyed) conn.write(frame(out));
        });
      }
    });
  }

  /** Answers one query; malformed packets and responses are dropped. */
  private handle(msg: Buffer, client: string, proto: "udp" | "tcp", send: Send): void {
    if (this.closed || msg.length < 12) return;
    const cache = this.cache[proto];
    const key = msg.length <= MAX_CACHED_QUERY ? msg.toString("latin1", 2) : undefined;
    const entry = key === undefined ? undefined : cache.get(key);
    let q: DecodedPacket;
    let name: string;
    if (entry) {
      // The same bytes as a query answered from records before: it passes every check below.
      this.stats.queries++;
      ({ q, name } = entry);
    } else {
      try {
        q = dnsPacket.decode(msg);
      } catch {
        return;
      }
      if (q.type !== "query") return;
      this.stats.queries++;
      if (((q.flags ?? 0) >> 11) & 0xf) return send(reply(q, NOTIMP));
      const question = q.questions?.[0];
      if (!question || q.questions?.length !== 1) return send(reply(q, FORMERR));
      name = question.name.replace(/\.$/, "").toLowerCase();
    }
    let ips: string[] | undefined;
    try {
      ips = this.opts.resolve(name, client);
    } catch {
      this.stats.failures++;
      return send(withId(reply(q, SERVFAIL), msg));
    }
    if (ips === undefined) return this.forward(msg, q, proto, client, send);
    const turn = entry ? entry.turn++ : key === undefined ? this.turn++ : 0;
    if (entry)
      for (const v of entry.variants)
        if (sameIps(v.ips, ips)) {
          this.stats.cacheHits++;
          // A copy either way: a send may still hold the buffer.
          return send(withId(rotated(v.reply, v.records, turn), msg));
        }
    const limit = entry?.limit ?? (proto === "udp" ? udpLimit(q) : 65535);
    const out = this.answer(q, ips, limit);
    const variant: Variant = { ips: ips.slice(), reply: out, records: recordLayout(out) };
    if (key !== undefined) {
      if (entry) {
        if (entry.variants.push(variant) > MAX_VARIANTS) entry.variants.shift();
      } else {
        if (cache.size >= MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
        cache.set(key, { q, name, limit, variants: [variant], turn: 1 });
      }
    }
    send(withId(rotated(out, variant.records, turn), msg));
  }

  /** Where `client`'s forwarded queries go: its own upstreams when it has usable ones, else the default ones. */
  private async upstreamsFor(client: string): Promise<Upstream[]> {
    const own = this.notOurs((this.opts.upstreamsOf?.(client) ?? []).flatMap(tryParseUpstream));
    if (own.length > 0) return own;
    this.upstreams ??= hostUpstreams(undefined, this.opts.skipLoopbackUpstreams).then(
      (l) => l.map(parseUpstream),
      (err: unknown) => {
        this.upstreams = undefined; // an unreadable resolv.conf is retried on the next query
        throw err;
      },
    );
    return this.notOurs(await this.upstreams);
  }

  /** Without our own listeners: forwarding to ourselves would loop until every hop timed out. */
  private notOurs(ups: Upstream[]): Upstream[] {
    return ups.filter((u) => ![...this.listeners].some(([a, l]) => a === u.address && l.port === u.port));
  }

  /** The reply to `q` from the resolver's addresses: NXDOMAIN for none, else A records (none for other types). */
  private answer(q: DecodedPacket, ips: string[], limit: number): Buffer {
    if (ips.length === 0) return reply(q, NXDOMAIN, [], true);
    const question = q.questions![0]!;
    const answers: Answer[] =
      question.type === "A" && (question.class ?? "IN") === "IN"
        ? ips
            .filter((ip) => net.isIPv4(ip))
            .map((data) => ({ type: "A", class: "IN", name: question.name, ttl: this.ttl, data }))
        : [];
    return reply(q, 0, answers, true, limit);
  }

  private forward(msg: Buffer, q: DecodedPacket, proto: "udp" | "tcp", client: string, send: Send): void {
    this.stats.forwarded++;
    this.upstreamsFor(client)
      .then((ups) => {
        if (this.closed || ups.length === 0) return undefined;
        return proto === "tcp" ? this.forwarder.tcp(msg, ups) : this.forwarder.udp(msg, ups);
      })
      .catch(() => undefined)
      .then((answer) => {
        if (this.closed) return;
        if (!answer) this.stats.failures++;
        send(answer ?? withId(reply(q, SERVFAIL), msg));
      });
  }
}

/** Builds a response to `q`, truncating (TC, no answers) when it exceeds `limit` bytes. */
function reply(q: DecodedPacket, rcode: number, answers: Answer[] = [], aa = false, limit = 65535): Buffer {
  const flags =
    ((q.flags ?? 0) & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED)) |
    dnsPacket.RECURSION_AVAILABLE |
    (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    rcode;
  const base = { type: "response" as const, id: q.id, questions: q.questions ?? [] };
  const full = dnsPacket.encode({ ...base, flags, answers });
  if (full.length <= limit) return full;
  return dnsPacket.encode({ ...base, flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [] });
}

/**
 * Where the answer records of our reply are, when it has two or more: they are its last section and
 * all of one size (dns-packet writes each record's name in full, and all are A records of the
 * question's name). Undefined for fewer records or a layout other than that.
 */
function recordLayout(reply: Buffer): RecordLayout | undefined {
  const count = reply.readUInt16BE(6);
  if (count < 2 || reply.readUInt16BE(4) !== 1 || reply.readUInt32BE(8) !== 0) return undefined;
  let at = 12;
  while (at < reply.length && reply[at] !== 0) {
    if (reply[at]! >= 0xc0) return undefined; // a compressed name
    at += reply[at]! + 1;
  }
  at += 5; // the root label, type and class
  const size = (reply.length - at) / count;
  return Number.isInteger(size) && size > 0 ? { at, size, count } : undefined;
}

/** A copy of `reply` whose answer records are rotated left by `turn` (modulo their count). */
function rotated(reply: Buffer, records: RecordLayout | undefined, turn: number): Buffer {
  const shift = records ? turn % records.count : 0;
  if (!records || shift === 0) return Buffer.from(reply);
  const out = Buffer.allocUnsafe(reply.length);
  const split = records.at + shift * records.size;
  reply.copy(out, 0, 0, records.at);
  reply.copy(out, records.at, split);
  reply.copy(out, records.at + reply.length - split, records.at, split);
  return out;
}

/** Sets the ID of `out` (a buffer of our own) to that of the query `msg`; returns `out`. */
function withId(out: Buffer, msg: Buffer): Buffer {
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  return out;
}

/** Same addresses in the same order. */
function sameIps(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A dgram `lookup` answering IP literals at once (dns.lookup defers even those to the next tick). */
function ipLookup(
  address: string,
  family: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const ipFamily = net.isIP(address);
  if (ipFamily !== 0) return callback(null, address, ipFamily);
  dns.lookup(address, family as number, callback);
}

/** Sends a reply, dropping it if the socket closed meanwhile; send errors go to the socket's (ignoring) error listener. */
function sendUdp(sock: dgram.Socket, msg: Buffer, port: number, address: string): void {
  try {
    sock.send(msg, port, address);
  } catch {
    // closed socket
  }
}

/** The largest UDP response the client accepts: 512 bytes, or its EDNS payload size (capped at 4096). */
function udpLimit(q: DecodedPacket): number {
  const opt = q.additionals?.find((a): a is OptAnswer => a.type === "OPT");
  return Math.min(4096, Math.max(512, opt?.udpPayloadSize ?? 512));
}

/** Runs `start` (a bind or listen) and settles once it is done or the emitter errors. */
function started(emitter: dgram.Socket | net.Server, start: (done: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    emitter.once("error", reject);
    start(() => {
      emitter.off("error", reject);
      resolve();
    });
  });
}
