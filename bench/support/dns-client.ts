/**
 * The DNS load client: `dns-client.ts PORT SECONDS WINDOW SERVICES ADDRESSES`; prints
 * {qps, p50, p99, total, errors, lost, stray} as JSON.
 *
 * Keeps WINDOW queries in flight on one connected UDP socket for SECONDS. The server is expected to
 * answer, for s < SERVICES, `svc<s>` and `tasks.svc<s>` with the ADDRESSES addresses
 * 10.90.<s>.2, 10.90.<s>.3 …, and NXDOMAIN for any other name. The mix per 8 queries: 6 A queries
 * for those names, 1 AAAA (NOERROR, no answers) and 1 A for an unknown name (NXDOMAIN). Queries are
 * encoded once per name and only their ID patched; a reply counts (and its latency is recorded)
 * only when its ID is in flight and it is a response to the very question sent, with the expected
 * rcode, answer count and (for A) addresses of that service; anything else counts as an error.
 * A query unanswered for 1 s counts as lost and its slot sends again (a reply to it arriving later
 * is a stray). Latency is per query, from its send to its reply.
 */
import { createSocket } from "node:dgram";
import dnsPacket from "dns-packet";

const [portText, secondsText, windowText, servicesText, addressesText] = process.argv.slice(2);
const port = Number(portText);
const seconds = Number(secondsText);
const window = Number(windowText);
const services = Number(servicesText ?? 50);
const addresses = Number(addressesText ?? 3);
const LOST_MS = 1000;
const NXDOMAIN = 3;

interface Template {
  /** The encoded query (ID 0). */
  query: Buffer;
  /** Its question section, which the reply must echo. */
  question: Buffer;
  rcode: number;
  answers: number;
  /** The third octet of the expected A addresses, or -1 when no address is expected. */
  service: number;
}

function template(
  name: string,
  type: "A" | "AAAA",
  rcode: number,
  answers: number,
  service: number,
): Template {
  const query = dnsPacket.encode({
    type: "query",
    id: 0,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name, class: "IN" }],
  });
  return { query, question: query.subarray(12), rcode, answers, service };
}

// The cycle of queries: one round per service, 8 queries each.
const templates: Template[] = [];
for (let s = 0; s < services; s++) {
  const a = (name: string) => template(name, "A", 0, addresses, s);
  templates.push(a(`svc${s}`), a(`tasks.svc${s}`), a(`svc${s}`), a(`tasks.svc${s}`), a(`svc${s}`));
  templates.push(template(`svc${s}`, "AAAA", 0, 0, -1));
  templates.push(a(`tasks.svc${s}`));
  templates.push(template(`nosuch${s}`, "A", NXDOMAIN, 0, -1));
}

/** True when `msg` is a correct reply to `t` (the ID was checked by the caller). */
function correct(msg: Buffer, t: Template): boolean {
  if (msg.length < 12 + t.question.length || !(msg[2]! & 0x80) || (msg[3]! & 0xf) !== t.rcode) return false;
  if (msg.readUInt16BE(4) !== 1 || msg.readUInt16BE(6) !== t.answers) return false;
  if (t.question.compare(msg, 12, 12 + t.question.length) !== 0) return false;
  let at = 12 + t.question.length;
  for (let i = 0; i < t.answers; i++) {
    // The owner name: labels, ending with a zero byte or a compression pointer.
    while (at < msg.length && msg[at] !== 0 && (msg[at]! & 0xc0) !== 0xc0) at += msg[at]! + 1;
    at += at < msg.length && msg[at] === 0 ? 1 : 2;
    if (at + 14 > msg.length || msg.readUInt16BE(at) !== 1 || msg.readUInt16BE(at + 8) !== 4) return false;
    const ip = at + 10;
    const host = msg[ip + 3]! - 2;
    if (msg[ip] !== 10 || msg[ip + 1] !== 90 || msg[ip + 2] !== t.service || host < 0 || host >= addresses)
      return false;
    at = ip + 4;
  }
  return true;
}

const sock = createSocket("udp4");
const sentAt = new Float64Array(65536);
const kind = new Int32Array(65536);
const inFlight = new Set<number>();
let latencies = new Float64Array(1 << 18);
let count = 0;
let errors = 0;
let stray = 0;
let lost = 0;
let seq = 0;
let t0 = 0;
let deadline = Infinity;

function send(): void {
  const now = performance.now();
  if (now > deadline) return;
  let id = seq & 0xffff;
  while (inFlight.has(id)) id = ++seq & 0xffff; // a lost query's ID not yet expired
  const t = seq++ % templates.length;
  const query = Buffer.from(templates[t]!.query); // a copy: dgram may hold on to a buffer it could not send at once
  query.writeUInt16BE(id, 0);
  sentAt[id] = now;
  kind[id] = t;
  inFlight.add(id);
  sock.send(query);
}

sock.on("message", (msg: Buffer) => {
  const now = performance.now();
  if (msg.length < 12 || now > deadline) return;
  const id = msg.readUInt16BE(0);
  if (!inFlight.delete(id)) return void stray++; // not in flight: a reply after its query was given up, or a duplicate
  if (correct(msg, templates[kind[id]!]!)) {
    if (count === latencies.length) {
      const bigger = new Float64Array(count * 2);
      bigger.set(latencies);
      latencies = bigger;
    }
    latencies[count++] = now - sentAt[id]!;
  } else errors++;
  send();
});

sock.on("error", (err) => {
  process.stderr.write(`dns client: ${err.message}\n`);
  process.exit(1);
});

sock.connect(port, "127.0.0.1", () => {
  t0 = performance.now();
  deadline = t0 + seconds * 1000;
  for (let i = 0; i < window; i++) send();
  const check = setInterval(() => {
    const now = performance.now();
    for (const id of inFlight)
      if (now - sentAt[id]! > LOST_MS) {
        inFlight.delete(id);
        lost++;
        send();
      }
    if (now <= deadline + 100) return;
    clearInterval(check);
    sock.close();
    const sorted = latencies.subarray(0, count).sort();
    const pct = (p: number) => sorted[Math.min(count - 1, Math.floor((count * p) / 100))] ?? 0;
    process.stdout.write(
      JSON.stringify({ qps: count / seconds, p50: pct(50), p99: pct(99), total: count, errors, lost, stray }),
    );
  }, 100);
});
