import { run } from "../util/exec.js";

/** What a network's host rules are made from. */
export interface BridgeRulesTarget {
  bridge: string;
  subnet: string;
  internal: boolean;
}

/** The iptables rules of one bridge network: forwarding in and out (or only within, when internal) and NAT. */
function rules(n: BridgeRulesTarget): { table: string; chain: string; spec: string[] }[] {
  const tag = ["-m", "comment", "--comment", `tsc:${n.bridge}`];
  if (n.internal)
    return [
      { table: "filter", chain: "FORWARD", spec: ["-i", n.bridge, "-o", n.bridge, ...tag, "-j", "ACCEPT"] },
    ];
  return [
    { table: "filter", chain: "FORWARD", spec: ["-i", n.bridge, ...tag, "-j", "ACCEPT"] },
    {
      table: "filter",
      chain: "FORWARD",
      spec: ["-o", n.bridge, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", ...tag, "-j", "ACCEPT"],
    },
    {
      table: "nat",
      chain: "POSTROUTING",
      spec: ["-s", n.subnet, "!", "-o", n.bridge, ...tag, "-j", "MASQUERADE"],
    },
  ];
}

const ensured = new Set<string>();

/**
 * Installs a network's forwarding and masquerading rules once (checked with `iptables -C`, so a
 * restarted daemon does not duplicate them). Per network rather than per container: the CNI
 * firewall plugin and the bridge plugin's ipMasq did this for every container, at ~45 ms each.
 */
export async function ensureBridgeRules(n: BridgeRulesTarget): Promise<void> {
  if (ensured.has(n.bridge)) return;
  for (const r of rules(n)) {
    const present = await run("iptables", ["-w", "-t", r.table, "-C", r.chain, ...r.spec], {
      allowFailure: true,
    });
    if (present.code !== 0)
      await run("iptables", ["-w", "-t", r.table, "-I", r.chain, ...r.spec], { packageHint: "iptables" });
  }
  ensured.add(n.bridge);
}

/** Removes a network's rules (every copy; missing ones are fine). */
export async function removeBridgeRules(n: BridgeRulesTarget): Promise<void> {
  ensured.delete(n.bridge);
  for (const r of rules(n))
    for (let i = 0; i < 4; i++) {
      const res = await run("iptables", ["-w", "-t", r.table, "-D", r.chain, ...r.spec], {
        allowFailure: true,
      });
      if (res.code !== 0) break;
    }
}
