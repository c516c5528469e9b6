/** `a.b.c.d` → 32-bit number. */
export function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** 32-bit number → `a.b.c.d`. */
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** Parses `a.b.c.d/len` into its network address and size. */
export function parseCidr(cidr: string): { base: number; len: number; size: number } {
  const [ip, lenText] = cidr.split("/") as [string, string | undefined];
  const len = Number(lenText ?? 32);
  const size = 2 ** (32 - len);
  const base = Math.floor(ipToInt(ip) / size) * size;
  return { base, len, size };
}

/** Whether two CIDRs overlap. */
export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.base < y.base + y.size && y.base < x.base + x.size;
}
