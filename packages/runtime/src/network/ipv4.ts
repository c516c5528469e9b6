import { invalidArgument } from "@tsc/core";

/** An IPv4 CIDR as integers. */
export interface Cidr {
  base: number;
  prefix: number;
}

/** `10.1.2.3` → 167838211. */
export function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw invalidArgument(`invalid IPv4 address ${JSON.stringify(ip)}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** 167838211 → `10.1.2.3`. */
export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Parses `10.88.0.0/24` (the base is masked). */
export function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split("/");
  const prefix = Number(bits);
  if (!ip || !Number.isInteger(prefix) || prefix < 8 || prefix > 30)
    throw invalidArgument(`invalid subnet ${JSON.stringify(text)}`, {
      hint: "use CIDR notation with a prefix from /8 to /30, e.g. 10.89.0.0/24",
    });
  return { base: (ipToInt(ip) & mask(prefix)) >>> 0, prefix };
}

/** The netmask of a prefix length. */
export function mask(prefix: number): number {
  return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}

/** `{base, prefix}` → `10.88.0.0/24`. */
export function formatCidr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

/** Number of addresses in the subnet. */
export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** True when two subnets share any address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return (a.base & mask(p)) >>> 0 === (b.base & mask(p)) >>> 0;
}

/** True when `ip` lies inside `c`. */
export function contains(c: Cidr, ip: string): boolean {
  return (ipToInt(ip) & mask(c.prefix)) >>> 0 === c.base;
}
