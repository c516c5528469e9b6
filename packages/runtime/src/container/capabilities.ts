import { readFileSync } from "node:fs";

/** Every capability Linux defines, indexed by its number (`CAP_CHOWN` is 0). */
export const KNOWN_CAPABILITIES: readonly string[] = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
].map((c) => `CAP_${c}`);

/** The known capabilities whose bits are set in a `/proc/<pid>/status` mask (`CapBnd: 000001fffeffffff`). */
export function capabilitiesInMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`);
  return KNOWN_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

let daemonBounding: readonly string[] | undefined;

/**
 * This process's capability bounding set (read once): what a privileged container (or `--cap-add
 * ALL`) may get, as dockerd grants only the capabilities it holds itself. Every known capability
 * when /proc cannot say.
 */
export function processBoundingSet(): readonly string[] {
  if (daemonBounding) return daemonBounding;
  let status = "";
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    // No /proc: assume nothing is missing.
  }
  const hex = /^CapBnd:\s*([0-9a-f]+)$/im.exec(status)?.[1];
  daemonBounding = hex ? capabilitiesInMask(hex) : KNOWN_CAPABILITIES;
  return daemonBounding;
}
