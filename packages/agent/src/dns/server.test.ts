import dgram from "node:dgram";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import type { Packet } from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { DnsServer, type DnsServerOptions } from "./server.js";
import { hostUpstreams, parseUpstream, readResolvConf } from "./upstream.js";

const HOST = "127.0.0.1";
const cleanups: Array<() => unknown> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function closeSocket(sock: dgram.Socket): Promise<void> {
  return new Promise((resolve) => sock.close(() => resolve()));
}

async function startServer(
  opts: Partial<DnsServerOptions> = {},
): Promise<{ server: DnsServer; port: number }> {
  const names: Record<string, string[]> = {
    web: ["10.0.0.2", "10.0.0.3", "10.0.0.1"],
    "db.app": ["10.0.0.9"],
  };
  const server = new DnsServer({
    resolve: (name) => (name === "ghost" ? [] : (names[name] ?? (name.includes(".") ? undefined : []))),
    upstreams: [],
    ...opts,
  });
  cleanups.push(() => server.close());
  return { server, port: await server.listen(HOST, 0) };
}

function query(name: string, type: "A" | "AAAA" = "A", id = 1, flags = dnsPacket.RECURSION_DESIRED): Packet {
  return { type: "query", id, flags, questions: [{ type, name, class: "IN" }] };
}

/** A UDP socket bound to `address` (127.0.0.0/8 are all local on Linux: distinct clients). */
async function clientSocket(address = HOST): Promise<dgram.Socket> {
  const sock = dgram.createSocket("udp4");
  cleanups.push(() => closeSocket(sock));
  await new Promise<void>((resolve) => sock.bind(0, address, resolve));
  return sock;
}

const datas = (res: any): string[] => res.answers.map((a: any) => a.data);

/** `list` rotated left by `k`: the order of the k-th answer to one repeated query. */
const rotate = <T>(list: T[], k: number): T[] => [
  ...list.slice(k % list.length),
  ...list.slice(0, k % list.length),
];
const WEB = ["10.0.0.2", "10.0.0.3", "10.0.0.1"];

/** Sends one UDP query from a fresh (or given) socket and resolves to the decoded response. */
async function udpQuery(port: number, q: Packet | Buffer, sock?: dgram.Socket): Promise<any> {
  const s = sock ?? dgram.createSocket("udp4");
  if (!sock) cleanups.push(() => closeSocket(s));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("DNS query timed out")), 3000);
    s.once("message", (msg) => {
      clearTimeout(timer);
      resolve(dnsPacket.decode(msg));
    });
    s.send(Buffer.isBuffer(q) ? q : dnsPacket.encode(q), port, HOST);
  });
}

/** Sends queries over one TCP connection (all in one write) and resolves to the decoded responses. */
async function tcpQueries(port: number, qs: Packet[]): Promise<any[]> {
  const sock = net.connect(port, HOST);
  cleanups.push(() => sock.destroy());
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const out: any[] = [];
    sock.on("error", reject);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        out.push(dnsPacket.streamDecode(buf));
        buf = buf.subarray(2 + buf.readUInt16BE(0));
      }
      if (out.length === qs.length) resolve(out);
    });
    sock.write(Buffer.concat(qs.map((q) => dnsPacket.streamEncode(q))));
  });
}

/** Sends one query over TCP and resolves to the decoded response. */
async function tcpQuery(port: number, q: Packet): Promise<any> {
  return (await tcpQueries(port, [q]))[0];
}

type FakeUpstream = { port: number; ids: number[] };

/** A fake upstream answering every query with A 93.184.216.34 over UDP and TCP, after `batch` UDP queries arrived (in reverse order); `silent` never answers. */
async function startUpstream({ batch = 1, silent = false } = {}): Promise<FakeUpstream> {
  const udp = dgram.createSocket("udp4");
  cleanups.push(() => closeSocket(udp));
  await new Promise<void>((resolve) => udp.bind(0, HOST, resolve));
  const port = udp.address().port;
  const answer = (msg: Buffer) => {
    const q = dnsPacket.decode(msg);
    const name = q.questions![0]!.name;
    return dnsPacket.encode({
      type: "response",
      id: q.id,
      flags: dnsPacket.RECURSION_AVAILABLE,
      questions: q.questions,
      answers: [{ type: "A", name, ttl: 60, data: name.startsWith("two") ? "2.2.2.2" : "93.184.216.34" }],
    });
  };
  const up: FakeUpstream = { port, ids: [] };
  const held: Array<[Buffer, dgram.RemoteInfo]> = [];
  udp.on("message", (msg, rinfo) => {
    up.ids.push(msg.readUInt16BE(0));
    if (silent) return;
    held.push([msg, rinfo]);
    if (held.length < batch) return;
    for (const [m, r] of held.splice(0).reverse()) udp.send(answer(m), r.port, r.address);
  });
  const tcp = net.createServer((conn) => {
    conn.on("data", (chunk) =>
      conn.write(dnsPacket.streamEncode(dnsPacket.decode(answer(chunk.subarray(2))))),
    );
  });
  cleanups.push(() => new Promise((resolve) => tcp.close(resolve)));
  await new Promise<void>((resolve) => tcp.listen(port, HOST, resolve));
  return up;
}

describe("DnsServer", () => {
  it("answers A for an owned name with every IP, in order, with the TTL", async () => {
    const { server, port } = await startServer({ ttl: 7 });
    const res = await udpQuery(port, query("web", "A", 4321));
    expect(res.id).toBe(4321);
    expect(res.rcode).toBe("NOERROR");
    expect(res.flag_aa).toBe(true);
    expect(res.flag_rd).toBe(true);
    expect(res.answers.map((a: any) => a.data)).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.1"]);
    expect(res.answers.every((a: any) => a.ttl === 7 && a.type === "A" && a.name === "web")).toBe(true);
    expect(server.stats).toEqual({ queries: 1, forwarded: 0, failures: 0, cacheHits: 0 });
  });

  it("matches names case-insensitively and ignores the trailing dot", async () => {
    const seen: string[] = [];
    const { port } = await startServer({
      resolve: (n) => (seen.push(n), n === "db.app" ? ["10.0.0.9"] : []),
    });
    const res = await udpQuery(port, query("DB.App.", "A"));
    expect(seen).toEqual(["db.app"]);
    expect(res.answers.map((a: any) => a.data)).toEqual(["10.0.0.9"]);
  });

  it("answers AAAA for an owned name with NOERROR and no answers, without forwarding", async () => {
    const up = await startUpstream();
    const { server, port } = await startServer({ upstreams: [`${HOST}:${up.port}`] });
    const res = await udpQuery(port, query("web", "AAAA"));
    expect(res.rcode).toBe("NOERROR");
    expect(res.answers).toEqual([]);
    expect(up.ids).toEqual([]);
    expect(server.stats.forwarded).toBe(0);
  });

  it("answers NXDOMAIN for an unknown name in our domain", async () => {
    const { port } = await startServer();
    const res = await udpQuery(port, query("ghost"));
    expect(res.rcode).toBe("NXDOMAIN");
    expect(res.answers).toEqual([]);
  });

  it("answers SERVFAIL when the resolver throws", async () => {
    const boom = () => {
      throw new Error("boom");
    };
    const { server, port } = await startServer({ resolve: boom });
    expect((await udpQuery(port, query("web"))).rcode).toBe("SERVFAIL");
    expect(server.stats.failures).toBe(1);
  });

  it("forwards other names upstream, remapping IDs and restoring each client's ID", async () => {
    const up = await startUpstream({ batch: 2 });
    const { server, port } = await startServer({ upstreams: [`${HOST}:${up.port}`] });
    const [one, two] = await Promise.all([
      udpQuery(port, query("one.example.com", "A", 777)),
      udpQuery(port, query("two.example.com", "A", 777)),
    ]);
    expect(one.id).toBe(777);
    expect(two.id).toBe(777);
    expect(one.answers[0].data).toBe("93.184.216.34");
    expect(two.answers[0].data).toBe("2.2.2.2");
    expect(up.ids).toHaveLength(2);
    expect(up.ids[0]).not.toBe(up.ids[1]);
    expect(server.stats).toEqual({ queries: 2, forwarded: 2, failures: 0, cacheHits: 0 });
  });

  it("forwards a client's queries to its own upstreams when it has some, else to the default ones", async () => {
    const host = await startUpstream();
    const own = await startUpstream();
    const asked: string[] = [];
    const { server, port } = await startServer({
      upstreams: [`${HOST}:${host.port}`],
      upstreamsOf: (client) => {
        asked.push(client);
        return client === "127.0.0.2" ? [`${HOST}:${own.port}`, "not an address"] : undefined;
      },
    });
    const withOwn = await clientSocket("127.0.0.2");
    const without = await clientSocket("127.0.0.3");
    expect(datas(await udpQuery(port, query("a.example.com", "A", 1), withOwn))).toEqual(["93.184.216.34"]);
    expect([host.ids.length, own.ids.length]).toEqual([0, 1]);
    expect(datas(await udpQuery(port, query("b.example.com", "A", 2), without))).toEqual(["93.184.216.34"]);
    expect([host.ids.length, own.ids.length]).toEqual([1, 1]);
    // Names we own are answered without asking for upstreams.
    expect(datas(await udpQuery(port, query("web", "A", 3), withOwn))).toEqual(WEB);
    expect(asked).toEqual(["127.0.0.2", "127.0.0.3"]);
    expect(server.stats).toEqual({ queries: 3, forwarded: 2, failures: 0, cacheHits: 0 });
  });

  it("forwards to the default upstreams when a client's own ones are only ourselves", async () => {
    const host = await startUpstream();
    let ownPort = 0;
    const { port } = await startServer({
      upstreams: [`${HOST}:${host.port}`],
      upstreamsOf: () => [`${HOST}:${ownPort}`],
    });
    ownPort = port;
    expect(datas(await udpQuery(port, query("c.example.com", "A", 1)))).toEqual(["93.184.216.34"]);
    expect(host.ids).toHaveLength(1);
  });

  it("answers SERVFAIL when the upstream never answers", async () => {
    const up = await startUpstream({ silent: true });
    const { server, port } = await startServer({ upstreams: [`${HOST}:${up.port}`], forwardTimeoutMs: 200 });
    const start = Date.now();
    const res = await udpQuery(port, query("slow.example.com", "A", 99));
    expect(Date.now() - start).toBeGreaterThanOrEqual(180);
    expect(res.id).toBe(99);
    expect(res.rcode).toBe("SERVFAIL");
    expect(up.ids).toHaveLength(1);
    expect(server.stats.failures).toBe(1);
  });

  it("answers SERVFAIL at once without any upstream", async () => {
    const { port } = await startServer({ upstreams: [] });
    expect((await udpQuery(port, query("x.example.com"))).rcode).toBe("SERVFAIL");
  });

  it("serves and forwards queries over TCP", async () => {
    const up = await startUpstream();
    const { port } = await startServer({ upstreams: [`${HOST}:${up.port}`] });
    const own = await tcpQuery(port, query("web", "A", 5));
    expect(own.id).toBe(5);
    expect(own.answers.map((a: any) => a.data)).toEqual(["10.0.0.2", "10.0.0.3", "10.0.0.1"]);
    const fwd = await tcpQuery(port, query("tcp.example.com", "A", 6));
    expect(fwd.id).toBe(6);
    expect(fwd.answers[0].data).toBe("93.184.216.34");
    expect(up.ids).toEqual([]); // went over TCP, not UDP
  });

  it("drops malformed packets and keeps serving", async () => {
    const { server, port } = await startServer();
    const sock = dgram.createSocket("udp4");
    cleanups.push(() => closeSocket(sock));
    sock.send(Buffer.from([1, 2, 3]), port, HOST);
    sock.send(Buffer.from("0001010000010000000000000377", "hex"), port, HOST);
    const res = await udpQuery(port, query("web", "A", 8), sock);
    expect(res.id).toBe(8);
    expect(res.answers).toHaveLength(3);
    expect(server.stats.queries).toBe(1);
  });

  it("refuses a second listen on one address, and can unlisten and listen again", async () => {
    const { server, port } = await startServer();
    await expect(server.listen(HOST, port)).rejects.toThrow(/already listening/);
    await server.unlisten(HOST);
    const port2 = await server.listen(HOST, 0);
    expect((await udpQuery(port2, query("web"))).answers).toHaveLength(3);
  });
});

describe("DnsServer reply cache", () => {
  it("answers a repeated query from the cache with the new ID and the same reply, rotated", async () => {
    const { server, port } = await startServer({ ttl: 7 });
    const sock = await clientSocket();
    const first = await udpQuery(port, query("web", "A", 1), sock);
    const second = await udpQuery(port, query("web", "A", 2), sock);
    const third = await udpQuery(port, query("web", "A", 0xfffe), sock);
    expect(second.id).toBe(2);
    expect(third.id).toBe(0xfffe);
    expect({ ...second, id: 1 }).toEqual({ ...first, answers: rotate(first.answers, 1) });
    expect({ ...third, id: 1 }).toEqual({ ...first, answers: rotate(first.answers, 2) });
    expect(third.flag_aa).toBe(true);
    expect(third.answers.every((a: any) => a.ttl === 7 && a.name === "web")).toBe(true);
    expect(server.stats).toEqual({ queries: 3, forwarded: 0, failures: 0, cacheHits: 2 });
  });

  it("asks the resolver on every query and answers changed records at once", async () => {
    const records = new Map([["web", ["10.0.0.1"]]]);
    const asked: string[] = [];
    const { server, port } = await startServer({ resolve: (n) => (asked.push(n), records.get(n) ?? []) });
    const sock = await clientSocket();
    expect(datas(await udpQuery(port, query("web", "A", 1), sock))).toEqual(["10.0.0.1"]);
    expect(datas(await udpQuery(port, query("web", "A", 2), sock))).toEqual(["10.0.0.1"]);
    records.get("web")!.push("10.0.0.5"); // changed in place: the cache keeps its own copy
    expect(datas(await udpQuery(port, query("web", "A", 3), sock))).toEqual(["10.0.0.1", "10.0.0.5"]);
    records.set("web", ["10.0.0.1"]); // replaced
    expect(datas(await udpQuery(port, query("web", "A", 4), sock))).toEqual(["10.0.0.1"]);
    records.delete("web");
    const gone = await udpQuery(port, query("web", "A", 5), sock);
    expect(gone.rcode).toBe("NXDOMAIN");
    expect(gone.id).toBe(5);
    expect(asked).toEqual(["web", "web", "web", "web", "web"]);
    expect(server.stats.cacheHits).toBe(2); // the 2nd, and the 4th (same addresses as the 1st)
  });

  it("caches per order of the resolver, and rotates that order by one more on each query", async () => {
    const ips = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
    let turn = 0;
    const { server, port } = await startServer({
      resolve: () => {
        const start = turn++ % ips.length;
        return [...ips.slice(start), ...ips.slice(0, start)];
      },
    });
    const sock = await clientSocket();
    const seen: string[][] = [];
    for (let id = 1; id <= 6; id++) seen.push(datas(await udpQuery(port, query("web", "A", id), sock)));
    // The resolver's rotation (by t) and the server's (by t) add up.
    expect(seen).toEqual([0, 2, 4, 6, 8, 10].map((k) => rotate(ips, k)));
    expect(server.stats.cacheHits).toBe(3); // each order encoded once
  });

  it("rotates a multi-address answer between successive queries, every address kept, all from the cache", async () => {
    const twelve = Array.from({ length: 12 }, (_, i) => `10.0.1.${i + 1}`);
    const names: Record<string, string[]> = { web: WEB, "tasks.web": WEB, big: twelve, one: ["10.0.0.9"] };
    const { server, port } = await startServer({ ttl: 7, resolve: (n) => names[n] ?? [] });
    const sock = await clientSocket();
    for (let turn = 0; turn < 14; turn++) {
      for (const name of ["web", "tasks.web", "big", "one"]) {
        const res = await udpQuery(port, query(name, "A", turn + 1), sock);
        expect([res.id, res.rcode, datas(res)]).toEqual([turn + 1, "NOERROR", rotate(names[name]!, turn)]);
        expect(res.answers.every((a: any) => a.ttl === 7 && a.type === "A" && a.name === name)).toBe(true);
      }
    }
    // Each name encoded once, whatever its number of addresses (12 is more than the 8 orders kept).
    expect(server.stats).toEqual({ queries: 56, forwarded: 0, failures: 0, cacheHits: 52 });
  });

  it("rotates over TCP too, and answers queries too long to cache rotated", async () => {
    const { port } = await startServer();
    const res = await tcpQueries(
      port,
      [0, 1, 2, 3].map((id) => query("web", "A", id)),
    );
    expect(res.map(datas)).toEqual([0, 1, 2, 3].map((k) => rotate(WEB, k)));
    // Over 512 bytes (a big EDNS option): answered from records every time, still rotated.
    const long = (id: number): Packet => ({
      ...query("web", "A", id),
      additionals: [
        {
          type: "OPT",
          name: ".",
          udpPayloadSize: 4096,
          options: [{ code: 65001, data: Buffer.alloc(600) }],
        } as any,
      ],
    });
    const sock = await clientSocket();
    const orders = [];
    for (let id = 1; id <= 3; id++) orders.push(datas(await udpQuery(port, long(id), sock)));
    expect(orders).toEqual([0, 1, 2].map((k) => rotate(WEB, k)));
  });

  it("answers each client from the resolver's answer for that client", async () => {
    const { server, port } = await startServer({
      resolve: (n, client) => (n === "db" ? [client === "127.0.0.2" ? "10.0.2.9" : "10.0.1.9"] : []),
    });
    const one = await clientSocket("127.0.0.1");
    const two = await clientSocket("127.0.0.2");
    for (let id = 1; id <= 3; id++) {
      expect(datas(await udpQuery(port, query("db", "A", id), one))).toEqual(["10.0.1.9"]);
      expect(datas(await udpQuery(port, query("db", "A", id), two))).toEqual(["10.0.2.9"]);
    }
    expect(server.stats.cacheHits).toBe(4);
  });

  it("caches NXDOMAIN and the empty AAAA answer, and answers a name that appears later", async () => {
    const records = new Map<string, string[]>([["web", ["10.0.0.1"]]]);
    const { server, port } = await startServer({ resolve: (n) => records.get(n) ?? [] });
    const sock = await clientSocket();
    for (const id of [1, 2]) {
      const nx = await udpQuery(port, query("ghost", "A", id), sock);
      expect([nx.id, nx.rcode, nx.flag_aa, nx.answers]).toEqual([id, "NXDOMAIN", true, []]);
      const aaaa = await udpQuery(port, query("web", "AAAA", id), sock);
      expect([aaaa.id, aaaa.rcode, aaaa.flag_aa, aaaa.answers]).toEqual([id, "NOERROR", true, []]);
    }
    expect(server.stats.cacheHits).toBe(2);
    records.set("ghost", ["10.0.0.7"]);
    const found = await udpQuery(port, query("ghost", "A", 3), sock);
    expect([found.rcode, datas(found)]).toEqual(["NOERROR", ["10.0.0.7"]]);
  });

  it("forwards, or answers SERVFAIL, with the query's ID when a cached name stops being ours", async () => {
    const up = await startUpstream();
    let mode: "ours" | "forward" | "throw" = "ours";
    const { server, port } = await startServer({
      upstreams: [`${HOST}:${up.port}`],
      resolve: () => {
        if (mode === "throw") throw new Error("boom");
        return mode === "ours" ? ["10.0.0.1"] : undefined;
      },
    });
    const sock = await clientSocket();
    await udpQuery(port, query("moved.example.com", "A", 1), sock);
    await udpQuery(port, query("moved.example.com", "A", 2), sock);
    mode = "forward";
    const fwd = await udpQuery(port, query("moved.example.com", "A", 3), sock);
    expect([fwd.id, datas(fwd)]).toEqual([3, ["93.184.216.34"]]);
    mode = "throw";
    const failed = await udpQuery(port, query("moved.example.com", "A", 4), sock);
    expect([failed.id, failed.rcode]).toEqual([4, "SERVFAIL"]);
    expect(server.stats).toEqual({ queries: 4, forwarded: 1, failures: 1, cacheHits: 1 });
  });

  it("echoes the question as asked (case, RD flag) from the cache", async () => {
    const { port } = await startServer();
    const sock = await clientSocket();
    for (const id of [1, 2]) {
      const upper = await udpQuery(port, query("WEB", "A", id), sock);
      expect(upper.questions[0].name).toBe("WEB");
      expect(upper.answers[0].name).toBe("WEB");
      const lower = await udpQuery(port, query("web", "A", id, 0), sock);
      expect(lower.questions[0].name).toBe("web");
      expect(lower.flag_rd).toBe(false);
      expect(lower.flag_ra).toBe(true);
      expect(datas(lower)).toEqual(rotate(WEB, id - 1));
    }
  });

  it("truncates over UDP beyond 512 bytes or the EDNS payload size, but not over TCP", async () => {
    const many = Array.from({ length: 40 }, (_, i) => `10.1.0.${i + 1}`);
    const { server, port } = await startServer({ resolve: (n) => (n === "big" ? many : []) });
    const sock = await clientSocket();
    const edns: Packet = {
      ...query("big", "A", 3),
      additionals: [{ type: "OPT", name: ".", udpPayloadSize: 4096 } as any],
    };
    for (const id of [1, 2]) {
      const small = await udpQuery(port, query("big", "A", id), sock);
      expect([small.id, small.flag_tc, small.answers]).toEqual([id, true, []]);
      const large = await udpQuery(port, { ...edns, id }, sock);
      expect([large.id, large.flag_tc, datas(large)]).toEqual([id, false, rotate(many, id - 1)]);
    }
    const overTcp = await tcpQueries(port, [query("big", "A", 7), query("big", "A", 8)]);
    expect(overTcp.map((r) => [r.id, r.flag_tc, datas(r)])).toEqual([
      [7, false, many],
      [8, false, rotate(many, 1)],
    ]);
    expect(server.stats.cacheHits).toBe(3);
  });

  it("serves repeated queries over TCP from the cache", async () => {
    const { server, port } = await startServer();
    const res = await tcpQueries(port, [
      query("web", "A", 10),
      query("web", "A", 11),
      query("ghost", "A", 12),
    ]);
    expect(res.map((r) => [r.id, r.rcode, datas(r)])).toEqual([
      [10, "NOERROR", WEB],
      [11, "NOERROR", rotate(WEB, 1)],
      [12, "NXDOMAIN", []],
    ]);
    expect(server.stats.cacheHits).toBe(1);
  });

  it("stays bounded, dropping the oldest queries first", async () => {
    const { server, port } = await startServer({ resolve: (n) => [`10.0.${n.slice(1)}`] });
    const names = Array.from({ length: 5000 }, (_, i) => `n${Math.floor(i / 256)}.${i % 256}`);
    const first = await tcpQueries(
      port,
      names.map((n, i) => query(n, "A", i)),
    );
    expect(first.every((r, i) => r.id === i && datas(r)[0] === `10.0.${names[i]!.slice(1)}`)).toBe(true);
    const again = await tcpQueries(port, [query(names[0]!, "A", 1), query(names[4999]!, "A", 2)]);
    expect(again.map((r) => [r.id, datas(r)])).toEqual([
      [1, ["10.0.0.0"]],
      [2, ["10.0.19.135"]],
    ]);
    expect(server.stats.cacheHits).toBe(1); // the oldest had been dropped, the newest was still there
  });

  it("does not cache refusals: NOTIMP and FORMERR are answered every time", async () => {
    const { server, port } = await startServer();
    const sock = await clientSocket();
    for (const id of [1, 2]) {
      const notimp = await udpQuery(port, { ...query("web", "A", id), flags: 2 << 11 }, sock);
      expect([notimp.id, notimp.rcode]).toEqual([id, "NOTIMP"]);
      const empty = await udpQuery(port, { type: "query", id, questions: [] }, sock);
      expect([empty.id, empty.rcode]).toEqual([id, "FORMERR"]);
    }
    expect(server.stats).toEqual({ queries: 4, forwarded: 0, failures: 0, cacheHits: 0 });
  });
});

describe("upstreams", () => {
  it("parses resolv.conf", () => {
    const text = `# generated by NetworkManager\ndomain corp.example\nsearch a.example b.example ; comment
nameserver 10.1.1.1\nnameserver  fe80::1\nnameserver\noptions ndots:2 timeout:1\noptions edns0\n; nameserver 9.9.9.9\n`;
    const conf = readResolvConf(text);
    expect(conf).toEqual({
      nameservers: ["10.1.1.1", "fe80::1"],
      search: ["a.example", "b.example"],
      options: ["ndots:2", "timeout:1", "edns0"],
    });
  });

  it("reads the host's upstreams, optionally skipping loopback ones", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dns-test-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, "resolv.conf");
    await writeFile(path, "nameserver 127.0.0.53\nnameserver 1.1.1.1\nnameserver bogus\nnameserver ::1\n");
    expect(await hostUpstreams(path)).toEqual(["127.0.0.53", "1.1.1.1", "::1"]);
    expect(await hostUpstreams(path, true)).toEqual(["1.1.1.1"]);
    expect(await hostUpstreams(join(dir, "missing"))).toEqual([]);
  });

  it("parses upstream specs", () => {
    expect(parseUpstream("1.1.1.1")).toEqual({ address: "1.1.1.1", port: 53, family: 4 });
    expect(parseUpstream("127.0.0.1:5353")).toEqual({ address: "127.0.0.1", port: 5353, family: 4 });
    expect(parseUpstream("[::1]:54")).toEqual({ address: "::1", port: 54, family: 6 });
    expect(parseUpstream("2001:db8::1")).toEqual({ address: "2001:db8::1", port: 53, family: 6 });
    expect(() => parseUpstream("nope:53")).toThrow(/invalid DNS upstream/);
    expect(() => parseUpstream("1.1.1.1:99999")).toThrow(/invalid DNS upstream/);
  });
});
