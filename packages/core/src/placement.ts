import { invalidArgument } from "./errors.js";
import type { TscError } from "./errors.js";

/**
 * Placement constraints, in Docker Swarm's grammar: `<attribute> == <value>` or `!=`, where the
 * attribute is one of node.id, node.hostname, node.role, node.platform.os, node.platform.arch,
 * node.labels.<key> or engine.labels.<key>. Values compare case-insensitively, as SwarmKit's do. A
 * label the node does not have fails `==` and satisfies `!=`.
 *
 * The compose loader checks the grammar (so a bad constraint is a located error in the file) and the
 * scheduler evaluates it: both through this one parser. Spread preferences
 * (`deploy.placement.preferences[].spread`) name a node or engine label, as in Swarm.
 */
export interface PlacementConstraint {
  /** The attribute, lower-cased for the fixed ones: `node.role`, `node.labels.zone`. */
  key: string;
  op: "==" | "!=";
  value: string;
  /** The expression as written (for messages). */
  text: string;
}

/** What a node offers to constraints. */
export interface NodeAttributes {
  id: string;
  hostname: string;
  role: string;
  os: string;
  arch: string;
  /** Labels set on the node by the cluster (`node.labels.*`). */
  nodeLabels: Readonly<Record<string, string>>;
  /** Labels the node's daemon was started with (`tscd --label`, `engine.labels.*`). */
  engineLabels: Readonly<Record<string, string>>;
}

const FIXED = ["node.id", "node.hostname", "node.role", "node.platform.os", "node.platform.arch"];
const LABEL_PREFIXES = ["node.labels.", "engine.labels."];
const EXPRESSION = /^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$/;
const LABEL_KEY = /^[a-z_][a-z0-9\-_.]*$/i;

/** Parses one constraint; a bad one is an InvalidArgument error that says what is allowed. */
export function parsePlacementConstraint(text: string): PlacementConstraint {
  const m = EXPRESSION.exec(text);
  if (!m) return fail(`constraint ${JSON.stringify(text)} has no == or != operator`);
  const [, rawKey = "", op, value = ""] = m;
  const lower = rawKey.toLowerCase();
  const prefix = LABEL_PREFIXES.find((p) => lower.startsWith(p));
  let key: string;
  if (prefix) {
    const label = rawKey.slice(prefix.length);
    if (!LABEL_KEY.test(label)) return fail(`constraint ${JSON.stringify(text)} has an invalid label name`);
    key = prefix + label;
  } else if (FIXED.includes(lower)) key = lower;
  else return fail(`constraint ${JSON.stringify(text)} uses the unknown attribute ${JSON.stringify(rawKey)}`);
  if (value === "") return fail(`constraint ${JSON.stringify(text)} has no value`);
  return { key, op: op as "==" | "!=", value, text: text.trim() };
}

/**
 * Parses a spread preference (`node.labels.zone`): the label over whose values the scheduler
 * spreads a service's tasks. Anything else is an InvalidArgument error that says what is allowed.
 */
export function parseSpreadPreference(text: string): string {
  const t = text.trim();
  const lower = t.toLowerCase();
  const prefix = LABEL_PREFIXES.find((p) => lower.startsWith(p));
  if (!prefix || !LABEL_KEY.test(t.slice(prefix.length)))
    throw invalidArgument(`spread preference ${JSON.stringify(text)} does not name a label`, {
      hint: "write node.labels.KEY or engine.labels.KEY",
    });
  return prefix + t.slice(prefix.length);
}

function fail(message: string): never {
  const e: TscError = invalidArgument(message, {
    hint: `write ATTRIBUTE==VALUE or ATTRIBUTE!=VALUE with one of ${FIXED.join(", ")}, node.labels.KEY, engine.labels.KEY`,
  });
  throw e;
}

/** Whether `node` satisfies `c`. */
export function constraintMatches(c: PlacementConstraint, node: NodeAttributes): boolean {
  const actual = nodeAttribute(c.key, node);
  const equal = actual !== undefined && actual.toLowerCase() === c.value.toLowerCase();
  return c.op === "==" ? equal : !equal;
}

/** The value of an attribute (`node.role`, `engine.labels.zone` …) of `n`; undefined for a missing label. */
export function nodeAttribute(key: string, n: NodeAttributes): string | undefined {
  switch (key) {
    case "node.id":
      return n.id;
    case "node.hostname":
      return n.hostname;
    case "node.role":
      return n.role;
    case "node.platform.os":
      return n.os;
    case "node.platform.arch":
      return n.arch;
  }
  if (key.startsWith("node.labels.")) return own(n.nodeLabels, key.slice("node.labels.".length));
  return own(n.engineLabels, key.slice("engine.labels.".length));
}

function own(labels: Readonly<Record<string, string>>, k: string): string | undefined {
  return Object.hasOwn(labels, k) ? labels[k] : undefined;
}
