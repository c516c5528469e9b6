/**
 * Loads the agent's DNS server (in this process, answering from synthetic discovery records) from a
 * client in a child process on loopback: a window of queries in flight, for `seconds`. The mix
 * (see dns-client.ts): A for `svc<s>` and `tasks.svc<s>` (3 addresses each), some AAAA for them
 * (no answers) and some A for unknown names (NXDOMAIN); only correct replies count.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DnsServer } from "@tsc/agent";

/** What the DNS benchmark measured. */
export interface DnsResult {
  qps: number;
  p50: number;
  p99: number;
  total: number;
  /** Queries unanswered for 1 s (UDP may drop them; the client sends again). */
  lost: number;
}

const SERVICES = 50;
const ADDRESSES = 3;

/** Runs the DNS load for `seconds` and returns throughput and latency percentiles. */
export async function benchDns(opts: { seconds: number; window?: number }): Promise<DnsResult> {
  const records = new Map<string, string[]>();
  for (let s = 0; s < SERVICES; s++) {
    const ips = Array.from({ length: ADDRESSES }, (_, i) => `10.90.${s}.${i + 2}`);
    records.set(`svc${s}`, ips);
    records.set(`tasks.svc${s}`, ips);
  }
  const server = new DnsServer({ resolve: (name) => records.get(name) ?? [] });
  const port = await server.listen("127.0.0.1", 0);
  try {
    const client = fileURLToPath(new URL("./dns-client.ts", import.meta.url));
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          client,
          String(port),
          String(opts.seconds),
          String(opts.window ?? 16),
          String(SERVICES),
          String(ADDRESSES),
        ],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let text = "";
      child.stdout.on("data", (b: Buffer) => (text += b.toString()));
      child.on("exit", (code) =>
        code === 0 ? resolve(text) : reject(new Error(`dns client exited ${code}`)),
      );
    });
    const res = JSON.parse(out) as DnsResult & { errors: number; stray: number };
    if (res.errors > 0) throw new Error(`DNS benchmark: ${res.errors} wrong replies`);
    return { qps: res.qps, p50: res.p50, p99: res.p99, total: res.total, lost: res.lost };
  } finally {
    await server.close();
  }
}
