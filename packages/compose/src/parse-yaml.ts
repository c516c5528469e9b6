import { dirname } from "node:path";
import type { Document, Node, Pair } from "yaml";
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from "yaml";
import type { SourceLocation } from "./errors.js";
import { ComposeError } from "./errors.js";
import type { JsonPath } from "./json-path.js";
import type { ComposeSource } from "./source.js";
import { YamlTag } from "./yaml-tag.js";

/** Alias expansions allowed in one file before it is rejected (a "billion laughs" guard). */
const MAX_ALIAS_NODES = 10_000;
const MERGE_KEY = "<<";

/**
 * Parses one compose file into plain data plus a position index. YAML 1.2 core schema (`yes` stays
 * a string), anchors and aliases, `<<` merge keys (explicit keys win), `!reset`/`!override` as
 * `YamlTag`s, duplicate keys and multiple documents rejected. Throws E_YAML with a location.
 */
export function parseComposeYaml(text: string, file: string): ComposeSource {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    version: "1.2",
  });
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const list = Array.isArray(docs) ? docs : [];
  if (list.length > 1) {
    const second = list[1]!;
    throw new ComposeError({
      code: "E_YAML",
      detail: "multiple YAML documents in one compose file",
      location: at(second.range[0]),
      hint: "remove the `---` separator, or split the documents into files passed with several -f",
    });
  }
  const index = new Map<string, SourceLocation>();
  index.set("", { file, line: 1, column: 1 });
  const doc = list[0];
  let data: unknown = {};
  if (doc) {
    reportYamlErrors(doc, text, at);
    if (doc.contents !== null && doc.contents !== undefined) {
      const builder = new ValueBuilder(doc, at, index);
      data = builder.build(doc.contents as Node, "");
    }
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== "object" || Array.isArray(data) || data instanceof YamlTag) {
    throw new ComposeError({
      code: "E_SCHEMA",
      detail: "the top level of a compose file must be a mapping",
      location: { file, line: 1, column: 1 },
      hint: "start with keys such as `services:`",
    });
  }
  return {
    file,
    dir: dirname(file),
    data,
    locate(path: JsonPath) {
      for (let n = path.length; n >= 0; n--) {
        const hit = index.get(pathKey(path.slice(0, n)));
        if (hit) return { location: hit, exact: n === path.length };
      }
      return undefined;
    },
  };
}

function pathKey(path: JsonPath): string {
  return path.join("\u0000");
}

function childKey(parent: string, seg: string | number): string {
  return parent === "" ? String(seg) : `${parent}\u0000${seg}`;
}

function reportYamlErrors(doc: Document, text: string, at: (offset: number) => SourceLocation): void {
  const err = doc.errors[0];
  if (!err) return;
  const location = at(err.pos[0]);
  const detail = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
  const lineText = text.split(/\r?\n/)[location.line - 1] ?? "";
  const hint = /^\s*\t/.test(lineText)
    ? "YAML does not allow tabs for indentation; use spaces"
    : err.code === "DUPLICATE_KEY"
      ? "each key may appear only once in a mapping"
      : "check the indentation and quoting around this position";
  throw new ComposeError({ code: "E_YAML", detail, location, hint, cause: err });
}

/** Turns the YAML AST into plain data, recording the location of every map key and sequence item. */
class ValueBuilder {
  private expanded = 0;
  /** Alias targets being expanded right now: meeting one again means the alias contains itself. */
  private readonly expanding = new Set<Node>();
  private readonly targets = new Map<Node, Node | undefined>();

  constructor(
    private readonly doc: Document,
    private readonly at: (offset: number) => SourceLocation,
    private readonly index: Map<string, SourceLocation>,
  ) {}

  build(node: Node, path: string, recordPositions = true): unknown {
    if (isAlias(node)) {
      if (++this.expanded > MAX_ALIAS_NODES)
        this.fail(node, "too many alias expansions", "simplify the anchors");
      if (!this.targets.has(node)) this.targets.set(node, node.resolve(this.doc) as Node | undefined);
      const target = this.targets.get(node);
      if (!target)
        return this.fail(node, `unknown alias *${node.source}`, "define the anchor (&name) before using it");
      if (this.expanding.has(target))
        this.fail(
          node,
          `alias *${node.source} refers to a node that contains it`,
          "an anchor cannot include itself",
        );
      this.expanding.add(target);
      try {
        return this.build(target, path, false);
      } finally {
        this.expanding.delete(target);
      }
    }
    let value: unknown;
    if (isScalar(node)) value = node.value;
    else if (isMap(node)) value = this.buildMap(node.items as Pair[], path, recordPositions);
    else if (isSeq(node)) {
      value = node.items.map((item, i) => {
        const itemPath = childKey(path, i);
        if (recordPositions && item && typeof item === "object" && "range" in item && (item as Node).range)
          this.index.set(itemPath, this.at((item as Node).range![0]));
        return this.build(item as Node, itemPath, recordPositions);
      });
    } else value = null;
    if (typeof value === "bigint") value = Number(value);
    const tag = (node as { tag?: string }).tag;
    if (tag === "!reset" || tag === "!override") return new YamlTag(tag, value);
    return value;
  }

  private buildMap(items: Pair[], path: string, recordPositions: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    const merges: Pair[] = [];
    for (const pair of items) {
      if (!isPair(pair)) continue;
      const key = this.keyOf(pair);
      if (key === MERGE_KEY && !(pair.key && isScalar(pair.key) && pair.key.type?.startsWith("QUOTE"))) {
        merges.push(pair);
        continue;
      }
      if (seen.has(key))
        this.fail(pair.key as Node, `duplicate key "${key}"`, "each key may appear only once in a mapping");
      seen.add(key);
      const keyPath = childKey(path, key);
      if (recordPositions && (pair.key as Node | null)?.range)
        this.index.set(keyPath, this.at((pair.key as Node).range![0]));
      out[key] = pair.value === null ? null : this.build(pair.value as Node, keyPath, recordPositions);
    }
    for (const pair of merges) this.applyMerge(out, pair, path, recordPositions);
    return out;
  }

  /** `<<: *a` or `<<: [*a, *b]`: keys not set explicitly come from the merged maps, earlier ones first. */
  private applyMerge(out: Record<string, unknown>, pair: Pair, path: string, recordPositions: boolean): void {
    const mergeLoc = (pair.key as Node | null)?.range ? this.at((pair.key as Node).range![0]) : undefined;
    const source = pair.value as Node | null;
    const sources = source && isSeq(source) ? (source.items as Node[]) : source ? [source] : [];
    for (const item of sources) {
      const value = this.build(item, path, false);
      if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof YamlTag)
        this.fail(
          item,
          "a merge key (<<) must refer to a mapping",
          "use <<: *anchor where the anchor is a mapping",
        );
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (k in out) continue;
        out[k] = v;
        if (recordPositions && mergeLoc) this.index.set(childKey(path, k), mergeLoc);
      }
    }
  }

  private keyOf(pair: Pair): string {
    const key = pair.key as Node | null;
    if (key === null) return "";
    if (isScalar(key)) return key.value === null ? "" : String(key.value);
    if (isAlias(key)) {
      const target = key.resolve(this.doc);
      if (target && isScalar(target)) return String(target.value);
    }
    return this.fail(key, "complex mapping keys are not supported", "use a plain string as the key");
  }

  private fail(node: Node, detail: string, hint: string): never {
    throw new ComposeError({
      code: "E_YAML",
      detail,
      hint,
      location: node.range ? this.at(node.range[0]) : undefined,
    });
  }
}
