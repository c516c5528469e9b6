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

const ensured = new Map<string, Promise<void>>();

/**
 * Installs a network's forwarding and masquerading rules once (checked with `iptables -C`, so a
 * restarted daemon does not duplicate them; the missing ones go in with one `iptables-restore
 * --noflush`). Containers attaching at the same time share one installation. Per network rather
 * than per container: the CNI firewall plugin and the bridge plugin's ipMasq did this for every
 * container, at ~45 ms each.
 */
export function ensureBridgeRules(n: BridgeRulesTarget): Promise<void> {
  let done = ensured.get(n.bridge);
  if (!done) {
    done = installRules(rules(n));
    ensured.set(n.bridge, done);
    done.catch(() => ensured.delete(n.bridge));
  }
  return done;
}

async function installRules(all: ReturnType<typeof rules>): Promise<void> {
  const present = await Promise.all(
    all.map((r) => run("iptables", ["-w", "-t", r.table, "-C", r.chain, ...r.spec], { allowFailure: true })),
  );
  const missing = all.filter((_r, i) => present[i]!.code !== 0);
  await restore(
    ["filter", "nat"].map((t) => ({
      table: t,
      lines: missing.filter((r) => r.table === t).map((r) => `-I ${r.chain} ${r.spec.join(" ")}`),
    })),
    false,
  );
}

/** Applies rule lines to their tables in one `iptables-restore --noflush` (nothing when there are none). */
async function restore(tables: { table: string; lines: string[] }[], allowFailure: boolean): Promise<void> {
  const input = tables
    .filter((t) => t.lines.length > 0)
    .map((t) => [`*${t.table}`, ...t.lines, "COMMIT", ""].join("\n"))
    .join("");
  if (input)
    await run("iptables-restore", ["-w", "--noflush"], { input, allowFailure, packageHint: "iptables" });
}

/** Removes a network's rules, every copy (found by their `tsc:<bridge>` comment), in one restore. */
export async function removeBridgeRules(n: BridgeRulesTarget): Promise<void> {
  ensured.delete(n.bridge);
  // `iptables -S` quotes the comment: --comment "tsc:<bridge>".
  const tagged = new RegExp(`--comment "?tsc:${n.bridge}"?( |$)`);
  const tables = await Promise.all(
    ["filter", "nat"].map(async (table) => {
      const listed = await run("iptables", ["-w", "-t", table, "-S"], { allowFailure: true });
      const ours = listed.stdout.split("\n").filter((l) => l.startsWith("-A ") && tagged.test(l));
      return { table, lines: ours.map((l) => `-D ${l.slice(3)}`) };
    }),
  );
  await restore(tables, true);
}
