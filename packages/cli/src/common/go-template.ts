// Evaluator for the subset of Go's text/template that `docker inspect/ps --format` scripts use.
import { argString, cmdString, parseTemplate, TemplateError } from "./go-template-parse.js";
import type { Arg, Cmd, Node, Pipe } from "./go-template-parse.js";

export { TemplateError };

type Obj = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const has = (o: Obj, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The objects `goStruct` marked, with their Go type names. */
const STRUCTS = new WeakMap<object, string>();

/**
 * Marks `obj` as a Go struct of type `type` (e.g. `*formatter.ContainerContext`): a template that
 * names a field it lacks fails as Go's does (`can't evaluate field X in type T`) instead of printing
 * `<no value>` as for a map, and its function-valued fields are methods: `{{.Label "a"}}` calls
 * `Label("a")`, `{{.Mounts}}` calls `Mounts()`.
 */
export function goStruct<T extends object>(obj: T, type: string): T {
  STRUCTS.set(obj, type);
  return obj;
}

/** Go's notion of truth: zero values, nil and empty collections are false. */
function truth(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObj(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Formats like Go's fmt `%v`: `[a b]` for slices, `map[k:v]` with sorted keys, `<nil>` for nil. */
function fmtV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(fmtV).join(" ")}]`;
  if (isObj(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${fmtV(v[k])}`)
      .join(" ")}]`;
  return String(v);
}

function goType(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return isObj(v) ? "map[string]interface {}" : typeof v;
}

const str = (v: unknown): string => (typeof v === "string" ? v : fmtV(v));

function toInt(v: unknown): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw new Error(`cannot index slice/array with type ${goType(v)}`);
}

function index(x: unknown, keys: unknown[]): unknown {
  let v = x;
  for (const k of keys) {
    if (v === null || v === undefined) return undefined;
    if (Array.isArray(v) || typeof v === "string") {
      const i = toInt(k);
      if (i < 0 || i >= v.length) throw new Error(`index out of range: ${i}`);
      v = typeof v === "string" ? v.charCodeAt(i) : v[i];
    } else if (isObj(v)) {
      if (typeof k !== "string") throw new Error(`value has type ${goType(k)}; should be string`);
      v = has(v, k) ? v[k] : undefined;
    } else throw new Error(`can't index item of type ${goType(v)}`);
  }
  return v;
}

function slice(x: unknown, ...idx: unknown[]): unknown {
  if (typeof x !== "string" && !Array.isArray(x)) throw new Error(`can't slice item of type ${goType(x)}`);
  const [i = 0, j = x.length] = idx.map(toInt);
  if (i < 0 || j < i || j > x.length) throw new Error(`invalid slice index: ${i} > ${j}`);
  return x.slice(i, j);
}

function len(v: unknown): number {
  if (typeof v === "string") return Buffer.byteLength(v);
  if (Array.isArray(v)) return v.length;
  if (isObj(v)) return Object.keys(v).length;
  throw new Error(`len of type ${v === null || v === undefined ? "<nil>" : goType(v)}`);
}

function eq(a: unknown, ...bs: unknown[]): boolean {
  return bs.some((b) => {
    if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
    if (typeof a !== typeof b) throw new Error("incompatible types for comparison");
    if (typeof a === "object") throw new Error(`non-comparable type ${goType(a)}`);
    return a === b;
  });
}

function cmp(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  const basic = (v: unknown): boolean => typeof v === "number" || typeof v === "string";
  throw new Error(basic(a) && basic(b) ? "incompatible types for comparison" : "invalid type for comparison");
}

function fmtVerb(verb: string, a: unknown, prec: string | undefined): string {
  const p = prec === undefined ? undefined : Number(prec);
  if (verb === "v") return fmtV(a);
  if (verb === "s" && typeof a === "string") return p === undefined ? a : [...a].slice(0, p).join("");
  if ((verb === "s" || verb === "q") && typeof a === "object" && a !== null) return fmtV(a);
  if (verb === "q" && typeof a === "string") return JSON.stringify(a);
  if (verb === "t" && typeof a === "boolean") return String(a);
  if (verb === "d" && typeof a === "number" && Number.isInteger(a)) return String(a);
  if ((verb === "f" || verb === "F") && typeof a === "number") return a.toFixed(p ?? 6);
  if ((verb === "x" || verb === "X") && (typeof a === "string" || Number.isInteger(a))) {
    const h = typeof a === "string" ? Buffer.from(a).toString("hex") : (a as number).toString(16);
    return verb === "X" ? h.toUpperCase() : h;
  }
  return a === null || a === undefined ? `%!${verb}(<nil>)` : `%!${verb}(${goType(a)}=${fmtV(a)})`;
}

/** Go's fmt.Sprintf for the verbs %v %s %q %d %t %f %x and %%, with flags `-`/`0`, width and precision. */
function sprintf(format: string, args: unknown[]): string {
  let n = 0;
  const out = format.replace(
    /%([-+# 0]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g,
    (_m, flags: string, width, prec, v) => {
      if (v === "%") return "%";
      if (n >= args.length) return `%!${v}(MISSING)`;
      const s = fmtVerb(v, args[n++], prec);
      const w = Number(width || 0);
      if (s.length >= w || flags.includes("-")) return s.padEnd(w);
      if (!flags.includes("0") || !/^-?[0-9a-fA-F.]+$/.test(s)) return s.padStart(w);
      return s.startsWith("-") ? `-${s.slice(1).padStart(w - 1, "0")}` : s.padStart(w, "0");
    },
  );
  if (n >= args.length) return out;
  return `${out}%!(EXTRA ${args
    .slice(n)
    .map((a) => `${goType(a)}=${fmtV(a)}`)
    .join(", ")})`;
}

/** Go's fmt.Sprint: spaces are added between operands when neither is a string. */
const sprint = (args: unknown[]): string =>
  args
    .map((a, i) => (i && typeof a !== "string" && typeof args[i - 1] !== "string" ? " " : "") + fmtV(a))
    .join("");

const INF = Infinity;
const FUNCS: Record<string, [Fn, number, number]> = {
  and: [() => undefined, 1, INF],
  or: [() => undefined, 1, INF],
  not: [(a) => !truth(a), 1, 1],
  eq: [eq, 2, INF],
  ne: [(a, b) => !eq(a, b), 2, 2],
  lt: [(a, b) => cmp(a, b) < 0, 2, 2],
  le: [(a, b) => cmp(a, b) <= 0, 2, 2],
  gt: [(a, b) => cmp(a, b) > 0, 2, 2],
  ge: [(a, b) => cmp(a, b) >= 0, 2, 2],
  index: [(x, ...keys) => index(x, keys), 1, INF],
  slice: [slice, 1, 4],
  len: [len, 1, 1],
  print: [(...a) => sprint(a), 0, INF],
  printf: [(f, ...a) => sprintf(str(f), a), 1, INF],
  println: [(...a) => `${a.map(fmtV).join(" ")}\n`, 0, INF],
  json: [
    (v) => (JSON.stringify(v) ?? "null").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029"),
    1,
    1,
  ],
  join: [(l, sep) => (Array.isArray(l) ? l.map(str).join(str(sep)) : l == null ? "" : str(l)), 2, 2],
  split: [(s, sep) => (sep === "" ? Array.from(str(s)) : str(s).split(str(sep))), 2, 2],
  upper: [(s) => str(s).toUpperCase(), 1, 1],
  lower: [(s) => str(s).toLowerCase(), 1, 1],
  title: [
    (s) => str(s).replace(/(^|[^\p{L}\p{N}_])(\p{L})/gu, (_m, a: string, c: string) => a + c.toUpperCase()),
    1,
    1,
  ],
  truncate: [(s, n) => (toInt(n) < 0 ? str(s) : [...str(s)].slice(0, toInt(n)).join("")), 2, 2],
  pad: [(s, a, b) => " ".repeat(Math.max(0, toInt(a))) + str(s) + " ".repeat(Math.max(0, toInt(b))), 3, 3],
};
const FUNC_NAMES: ReadonlySet<string> = new Set(Object.keys(FUNCS));
const BREAK = Symbol("break");
const CONTINUE = Symbol("continue");

class Exec {
  out = "";
  private readonly vars: [string, unknown][];

  constructor(
    private readonly src: string,
    data: unknown,
  ) {
    this.vars = [["$", data]];
  }

  private fail(pos: number, ctx: string, msg: string): never {
    const before = this.src.slice(0, pos);
    const at = ctx.length > 20 ? `${ctx.slice(0, 20)}...` : ctx;
    const where = `${before.split("\n").length}:${pos - before.lastIndexOf("\n") - 1}`;
    throw new TemplateError(`template: :${where}: executing "" at <${at}>: ${msg}`);
  }

  walk(nodes: Node[], dot: unknown): void {
    for (const n of nodes) {
      if (n.k === "text") this.out += n.text;
      else if (n.k === "action") {
        const v = this.pipe(dot, n.pipe);
        if (!n.pipe.decl.length) this.out += v === undefined ? "<no value>" : fmtV(v);
      } else if (n.k === "if" || n.k === "with") {
        const mark = this.vars.length;
        const v = this.pipe(dot, n.pipe);
        if (truth(v)) this.walk(n.list, n.k === "with" ? v : dot);
        else this.walk(n.elseList, dot);
        this.vars.length = mark;
      } else if (n.k === "range") this.range(n, dot);
      else throw n.k === "break" ? BREAK : CONTINUE;
    }
  }

  private range(n: Extract<Node, { list: Node[] }>, dot: unknown): void {
    const mark = this.vars.length;
    const v = this.pipe(dot, n.pipe, false);
    let items: [unknown, unknown][];
    if (Array.isArray(v)) items = v.map((e, i) => [i, e]);
    else if (isObj(v))
      items = Object.keys(v)
        .sort()
        .map((k) => [k, v[k]]);
    else if (typeof v === "number" && Number.isInteger(v))
      items = Array.from({ length: v }, (_, i) => [i, i]);
    else if (v === null || v === undefined) items = [];
    else this.fail(n.pipe.pos, n.pipe.cmds.map(cmdString).join(" | "), `range can't iterate over ${fmtV(v)}`);
    for (const [key, elem] of items) {
      this.vars.length = mark;
      const [a, b] = n.pipe.decl;
      if (a !== undefined) this.vars.push(b === undefined ? [a, elem] : [a, key]);
      if (b !== undefined) this.vars.push([b, elem]);
      try {
        this.walk(n.list, elem);
      } catch (e) {
        if (e === BREAK) break;
        if (e !== CONTINUE) throw e;
      }
    }
    this.vars.length = mark;
    if (!items.length) this.walk(n.elseList, dot);
  }

  private pipe(dot: unknown, p: Pipe, declare = true): unknown {
    let v: unknown;
    p.cmds.forEach((c, i) => (v = this.cmd(dot, c, i ? [v] : [])));
    const name = p.decl[0];
    if (!declare || name === undefined) return v;
    if (!p.assign) this.vars.push([name, v]);
    else this.vars.findLast((e) => e[0] === name)?.splice(1, 1, v);
    return v;
  }

  private cmd(dot: unknown, c: Cmd, final: unknown[]): unknown {
    const [first, ...rest] = c.args;
    if (first === undefined) return undefined;
    if (first.k === "ident") return this.call(dot, first.name, rest, final, c);
    if (rest.length || final.length) {
      const method =
        first.k === "field" || first.k === "var" || first.k === "chain"
          ? this.arg(dot, first, true)
          : undefined;
      if (typeof method !== "function")
        this.fail(first.pos, argString(first), `can't give argument to non-function ${argString(first)}`);
      const args = [...rest.map((a) => this.arg(dot, a)), ...final];
      const want = (method as Fn).length;
      if (args.length !== want)
        this.fail(
          first.pos,
          argString(first),
          `wrong number of args for ${"idents" in first ? (first.idents.at(-1) ?? "") : ""}: want ${want} got ${args.length}`,
        );
      try {
        return (method as Fn)(...args);
      } catch (e) {
        this.fail(first.pos, argString(first), e instanceof Error ? e.message : String(e));
      }
    }
    if (first.k === "lit" && first.value === null) this.fail(first.pos, "nil", "nil is not a command");
    return this.arg(dot, first);
  }

  private call(dot: unknown, name: string, argNodes: Arg[], final: unknown[], c: Cmd): unknown {
    const [fn, min, max] = FUNCS[name] ?? this.fail(c.pos, name, `"${name}" is not a defined function`);
    const n = argNodes.length + final.length;
    if (n < min || n > max)
      this.fail(
        c.pos,
        cmdString(c),
        `wrong number of args for ${name}: want ${max === INF ? "at least " : ""}${min} got ${n}`,
      );
    if (name === "and" || name === "or") {
      let v: unknown;
      for (const a of argNodes) if (truth((v = this.arg(dot, a))) === (name === "or")) return v;
      return final.length ? final[0] : v;
    }
    const args = [...argNodes.map((a) => this.arg(dot, a)), ...final];
    try {
      return fn(...args);
    } catch (e) {
      this.fail(c.pos, cmdString(c), `error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** An operand's value; with `method`, a method its chain ends in is returned uncalled. */
  private arg(dot: unknown, a: Arg, method = false): unknown {
    switch (a.k) {
      case "dot":
        return dot;
      case "field":
        return this.fields(dot, a, method);
      case "var":
        return this.fields(this.vars.findLast((e) => e[0] === a.name)?.[1], a, method);
      case "chain":
        return this.fields(this.arg(dot, a.node), a, method);
      case "pipe":
        return this.pipe(dot, a.pipe);
      case "ident":
        return this.call(dot, a.name, [], [], { pos: a.pos, args: [a] });
      case "lit":
        return a.value;
    }
  }

  /**
   * Follows `a`'s field chain from `v`; a missing key (or a field of nil) yields undefined, i.e.
   * `<no value>`. A field also finds its JSON spelling (`.Time` → `time`, `.ID` → `id`): Docker's
   * documents are Go structs whose fields have JSON names, and its templates use the field names.
   */
  private fields(v: unknown, a: Extract<Arg, { idents: string[] }>, method = false): unknown {
    for (const [i, id] of a.idents.entries()) {
      if (v === null || v === undefined) return undefined;
      if (!isObj(v)) this.fail(a.pos, argString(a), `can't evaluate field ${id} in type ${goType(v)}`);
      const struct = STRUCTS.get(v);
      if (struct !== undefined && !has(v, id))
        this.fail(a.pos, argString(a), `can't evaluate field ${id} in type ${struct}`);
      v = has(v, id) ? v[id] : jsonField(v, id);
      if (typeof v === "function" && !(method && i === a.idents.length - 1)) {
        if ((v as Fn).length > 0)
          this.fail(a.pos, argString(a), `wrong number of args for ${id}: want ${(v as Fn).length} got 0`);
        try {
          v = (v as Fn)();
        } catch (e) {
          this.fail(a.pos, argString(a), e instanceof Error ? e.message : String(e));
        }
      }
    }
    return v;
  }
}

/** `id`'s value under its JSON spelling (`Time` → `time`, `ID` → `id`), when `v` has that key. */
function jsonField(v: Record<string, unknown>, id: string): unknown {
  const json = id === id.toUpperCase() ? id.toLowerCase() : id.charAt(0).toLowerCase() + id.slice(1);
  return has(v, json) ? v[json] : undefined;
}

/** Parses a Go template once (throws TemplateError on syntax errors) and returns a renderer for data. */
export function compileTemplate(source: string): (data: unknown) => string {
  const tree = parseTemplate(source, FUNC_NAMES);
  return (data) => {
    const ex = new Exec(source, data);
    ex.walk(tree, data);
    return ex.out;
  };
}

/** Parses and executes a Go template against `data` in one step, like `docker inspect --format`. */
export function renderTemplate(source: string, data: unknown): string {
  return compileTemplate(source)(data);
}
