/** The DNS load client: `dns-client.ts PORT SECONDS WINDOW`; prints {qps, p50, p99, total} as JSON. */
import { createSocket } from "node:dgram";
import dnsPacket from "dns-packet";

const [portText, secondsText, windowText] = process.argv.slice(2);
const port = Number(portText);
const seconds = Number(secondsText);
const window = Number(windowText);
const sock = createSocket("udp4");
const sent = new Map<number, number>();
const latencies: number[] = [];
let next = 0;
const deadline = performance.now() + seconds * 1000;
const t0 = performance.now();

function send(): void {
  if (performance.now() > deadline) return;
  const id = next++ % 65536;
  const name = `${next % 2 ? "tasks." : ""}svc${next % 50}`;
  sent.set(id, performance.now());
  sock.send(
    dnsPacket.encode({
      type: "query",
      id,
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type: "A", name }],
    }),
    port,
    "127.0.0.1",
  );
}

sock.on("message", (msg: Buffer) => {
  const id = msg.readUInt16BE(0);
  const at = sent.get(id);
  if (at !== undefined) {
    latencies.push(performance.now() - at);
    sent.delete(id);
  }
  send();
});

sock.bind(0, () => {
  for (let i = 0; i < window; i++) send();
  const check = setInterval(() => {
    if (performance.now() > deadline + 500) {
      clearInterval(check);
      sock.close();
      const sorted = latencies.sort((a, b) => a - b);
      const pct = (p: number) =>
        sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
      const elapsed = (Math.min(performance.now(), deadline) - t0) / 1000;
      process.stdout.write(
        JSON.stringify({ qps: sorted.length / elapsed, p50: pct(50), p99: pct(99), total: sorted.length }),
      );
    }
  }, 100);
});
