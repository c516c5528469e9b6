// Lexer and parser for the subset of Go's text/template used by `docker --format`.

/** Error thrown when a Go template fails to parse or execute; messages mirror Go's/Docker's. */
export class TemplateError extends Error {
  override name = "TemplateError";
}

/** An operand: `.`, `.A.B`, `$x.A`, `(pipe).A`, a function name, or a literal. */
export type Arg =
  | { k: "dot"; pos: number }
  | { k: "field"; pos: number; idents: string[] }
  | { k: "var"; pos: number; name: string; idents: string[] }
  | { k: "chain"; pos: number; node: Arg; idents: string[] }
  | { k: "ident"; pos: number; name: string }
  | { k: "pipe"; pos: number; pipe: Pipe }
  | { k: "lit"; pos: number; value: string | number | boolean | null; text: string };
/** One pipeline stage: a function or operand followed by its arguments. */
export interface Cmd {
  pos: number;
  args: Arg[];
}
/** A `|`-separated pipeline, optionally declaring (`:=`) or assigning (`=`) variables. */
export interface Pipe {
  pos: number;
  decl: string[];
  assign: boolean;
  cmds: Cmd[];
}
/** A node of the parsed template. */
export type Node =
  | { k: "text"; text: string }
  | { k: "action"; pos: number; pipe: Pipe }
  | { k: "if" | "with" | "range"; pos: number; pipe: Pipe; list: Node[]; elseList: Node[] }
  | { k: "break" | "continue"; pos: number };

type TokT = "text" | "left" | "right" | "ident" | "field" | "var" | "dot" | "str" | "num" | "char" | "error";
type Tok = { t: TokT | "pipe" | "decl" | "assign" | "comma" | "lparen" | "rparen" | "eof" } & {
  v: string;
  pos: number;
  sp: boolean;
  lit?: string | number;
};

const KEYWORDS = new Set([
  "if",
  "else",
  "end",
  "range",
  "with",
  "break",
  "continue",
  "define",
  "template",
  "block",
]);
const isWs = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
const ESC: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v" };

/** Renders an operand back to template syntax (used in error messages). */
export function argString(a: Arg): string {
  const chain = (s: string, ids: string[]): string => s + ids.map((i) => `.${i}`).join("");
  switch (a.k) {
    case "dot":
      return ".";
    case "field":
      return chain("", a.idents);
    case "var":
      return chain(a.name, a.idents);
    case "chain":
      return chain(argString(a.node), a.idents);
    case "ident":
      return a.name;
    case "pipe":
      return `(${a.pipe.cmds.map(cmdString).join(" | ")})`;
    case "lit":
      return a.text;
  }
}

/** Renders a command back to template syntax (used in error messages). */
export function cmdString(c: Cmd): string {
  return c.args.map(argString).join(" ");
}

class LexError {
  constructor(
    readonly pos: number,
    readonly msg: string,
  ) {}
}

/** Tokenizes the whole source; a lexical error becomes a final "error" token, reported when reached. */
function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  try {
    lexInto(src, toks);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    toks.push({ t: "error", v: e.msg, pos: e.pos, sp: false });
  }
  toks.push({ t: "eof", v: "", pos: src.length, sp: true });
  return toks;
}

function lexInto(src: string, toks: Tok[]): void {
  const fail = (pos: number, msg: string): never => {
    throw new LexError(pos, msg);
  };
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const j = src.indexOf("{{", i) < 0 ? src.length : src.indexOf("{{", i);
    const ltrim = src[j + 2] === "-" && isWs(src[j + 3]);
    let text = src.slice(i, j);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    if (ltrim) text = text.replace(/[ \t\r\n]+$/, "");
    if (text) toks.push({ t: "text", v: text, pos: i, sp: false });
    trimNext = false;
    if (j >= src.length) break;
    i = j + (ltrim ? 4 : 2);
    if (src.startsWith("/*", i)) {
      const e = src.indexOf("*/", i + 2);
      if (e < 0) fail(j, "unclosed comment");
      i = e + 2;
      if (isWs(src[i]) && src.startsWith("-}}", i + 1)) [i, trimNext] = [i + 4, true];
      else if (src.startsWith("}}", i)) i += 2;
      else fail(j, "comment ends before closing delimiter");
      continue;
    }
    toks.push({ t: "left", v: "{{", pos: j, sp: false });
    let sp = false;
    for (;;) {
      if (i >= src.length) fail(j, "unclosed action");
      const c = src[i] ?? "";
      const rest = src.slice(i);
      if (rest.startsWith("}}") || (isWs(c) && rest.startsWith("-}}", 1))) {
        trimNext = !rest.startsWith("}}");
        toks.push({ t: "right", v: "}}", pos: i, sp });
        i += trimNext ? 4 : 2;
        break;
      }
      if (isWs(c)) [i, sp] = [i + 1, true];
      else {
        const tok = lexOne(rest, c, i, sp, fail);
        toks.push(tok);
        i += tok.v.length;
        sp = false;
      }
    }
  }
}

function lexOne(
  rest: string,
  c: string,
  pos: number,
  sp: boolean,
  fail: (p: number, m: string) => never,
): Tok {
  const tok = (t: Tok["t"], v: string, lit?: string | number): Tok => ({ t, v, pos, sp, lit });
  const simple = { "|": "pipe", ",": "comma", "(": "lparen", ")": "rparen", "=": "assign" } as const;
  if (rest.startsWith(":=")) return tok("decl", ":=");
  if (c in simple) return tok(simple[c as keyof typeof simple], c);
  if (c === '"') {
    const m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
    if (!m) fail(pos, "unterminated quoted string");
    const body = m[0]
      .slice(1, -1)
      .replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (e, s: string) => {
        if (/^[xuU0-7]/.test(s))
          return String.fromCodePoint(parseInt(s.replace(/^[xuU]/, ""), /^[0-7]/.test(s) ? 8 : 16));
        if (`\\"'`.includes(s)) return s;
        return ESC[s] ?? fail(pos, `invalid syntax: ${e}`);
      });
    return tok("str", m[0], body);
  }
  if (c === "`") {
    const e = rest.indexOf("`", 1);
    if (e < 0) fail(pos, "unterminated raw quoted string");
    return tok("str", rest.slice(0, e + 1), rest.slice(1, e));
  }
  if (c === "$") return tok("var", /^\$[\p{L}\p{N}_]*/u.exec(rest)?.[0] ?? "$");
  if (c === "." && !/[0-9]/.test(rest[1] ?? "")) {
    const f = /^\.[\p{L}\p{N}_]*/u.exec(rest)?.[0] ?? ".";
    return tok(f === "." ? "dot" : "field", f);
  }
  if (/[0-9+\-.]/.test(c)) {
    const text = /^[+-]?(?:[eEpP][+-]|[\p{L}\p{N}_.])*/u.exec(rest)?.[0] ?? c;
    const n = Number(text.replace(/_/g, "").replace(/^[+-]/, ""));
    if (!/^[+-]?\.?[0-9]/.test(text) || Number.isNaN(n)) fail(pos, `bad number syntax: "${text}"`);
    return tok("num", text, text.startsWith("-") ? -n : n);
  }
  if (/[\p{L}_]/u.test(c)) return tok("ident", /^[\p{L}\p{N}_]+/u.exec(rest)?.[0] ?? c);
  return tok("char", String.fromCodePoint(rest.codePointAt(0) ?? 0));
}

class Parser {
  private i = 0;
  private vars = ["$"];
  private rangeDepth = 0;
  private readonly toks: Tok[];

  constructor(
    private readonly src: string,
    private readonly funcs: ReadonlySet<string>,
  ) {
    this.toks = lex(src);
  }

  fail(pos: number, msg: string): never {
    const line = this.src.slice(0, pos).split("\n").length;
    throw new TemplateError(`template parsing error: template: :${line}: ${msg}`);
  }

  private peek(n = 0): Tok {
    const t = this.toks[this.i + n] ?? { t: "eof", v: "", pos: this.src.length, sp: true };
    if (t.t === "error" && n === 0) this.fail(t.pos, t.v);
    return t;
  }

  private next(): Tok {
    const t = this.peek();
    if (t.t !== "eof") this.i++;
    return t;
  }

  private unexpected(t: Tok, ctx: string): never {
    if (t.t === "eof") this.fail(t.pos, "unclosed action");
    const d = t.t === "ident" && KEYWORDS.has(t.v) ? `<${t.v}>` : JSON.stringify(t.v.slice(0, 10));
    this.fail(t.pos, `unexpected ${d}${t.v.length > 10 ? "..." : ""} in ${ctx}`);
  }

  private expectRight(ctx: string): void {
    const t = this.next();
    if (t.t !== "right") this.unexpected(t, ctx);
  }

  /** Parses nodes up to `{{end}}`, `{{else` or EOF. */
  list(): [Node[], "end" | "else" | "eof", number] {
    const nodes: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.t === "eof") return [nodes, "eof", t.pos];
      if (t.t === "text") {
        nodes.push({ k: "text", text: t.v });
        continue;
      }
      const kw = this.peek();
      const word = kw.t === "ident" ? kw.v : "";
      if (word === "end" || word === "else") {
        this.i++;
        if (word === "end") this.expectRight("end");
        return [nodes, word, kw.pos];
      } else if (word === "if" || word === "with" || word === "range") {
        this.i++;
        nodes.push(this.control(word, kw.pos));
      } else if (word === "break" || word === "continue") {
        this.i++;
        if (!this.rangeDepth) this.fail(kw.pos, `{{${word}}} outside {{range}}`);
        this.expectRight(word);
        nodes.push({ k: word, pos: kw.pos });
      } else nodes.push({ k: "action", pos: kw.pos, pipe: this.pipeline("command", "right") });
    }
  }

  private control(kind: "if" | "with" | "range", pos: number): Node {
    const mark = this.vars.length;
    const pipe = this.pipeline(kind, "right");
    const inner = this.vars.length;
    if (kind === "range") this.rangeDepth++;
    const [list, end, endPos] = this.list();
    if (kind === "range") this.rangeDepth--;
    this.vars.length = inner;
    let elseList: Node[] = [];
    if (end === "eof") this.fail(endPos, "unexpected EOF");
    if (end === "else") {
      const nt = this.peek();
      if (kind !== "range" && nt.t === "ident" && nt.v === kind) {
        this.i++;
        elseList = [this.control(kind, nt.pos)];
      } else {
        this.expectRight("else");
        const [l2, end2, p2] = this.list();
        if (end2 !== "end") this.fail(p2, end2 === "eof" ? "unexpected EOF" : "expected end; found {{else}}");
        elseList = l2;
      }
    }
    this.vars.length = mark;
    return { k: kind, pos, pipe, list, elseList };
  }

  private pipeline(ctx: string, end: "right" | "rparen"): Pipe {
    const [t0, t1, t2, t3] = [this.peek(), this.peek(1), this.peek(2), this.peek(3)];
    const pipe: Pipe = { pos: t0.pos, decl: [], assign: false, cmds: [] };
    if (t0.t === "var" && (t1.t === "decl" || t1.t === "assign")) {
      if (t1.t === "assign" && !this.vars.includes(t0.v)) this.fail(t0.pos, `undefined variable "${t0.v}"`);
      [pipe.decl, pipe.assign] = [[t0.v], t1.t === "assign"];
      this.i += 2;
    } else if (t0.t === "var" && t1.t === "comma" && ctx === "range") {
      if (t2.t !== "var" || t3.t !== "decl") this.fail(t1.pos, "range can only initialize variables");
      pipe.decl = [t0.v, t2.v];
      this.i += 4;
    }
    if (!pipe.assign) this.vars.push(...pipe.decl);
    for (;;) {
      if (!pipe.cmds.length && this.peek().t === end) this.fail(this.peek().pos, `missing value for ${ctx}`);
      pipe.cmds.push(this.command());
      const t = this.next();
      if (t.t === end) break;
      if (t.t === "right") this.fail(t.pos, "unclosed left paren");
      if (t.t === "rparen") this.fail(t.pos, "unexpected right paren");
      if (t.t !== "pipe") this.unexpected(t, ctx);
    }
    pipe.cmds.slice(1).forEach((c, n) => {
      const a = c.args[0];
      if (a?.k === "lit" || a?.k === "dot")
        this.fail(c.pos, `non executable command in pipeline stage ${n + 2}`);
    });
    return pipe;
  }

  private command(): Cmd {
    const cmd: Cmd = { pos: this.peek().pos, args: [] };
    for (;;) {
      const a = this.operand();
      if (!a) break;
      cmd.args.push(a);
      const t = this.peek();
      if (["pipe", "right", "rparen", "eof"].includes(t.t)) break;
      if (!t.sp) this.unexpected(t, "operand");
    }
    if (!cmd.args.length) this.unexpected(this.peek(), "operand");
    return cmd;
  }

  private operand(): Arg | null {
    const t = this.peek();
    const pos = t.pos;
    let a: Arg;
    if (t.t === "dot") a = { k: "dot", pos };
    else if (t.t === "field") a = { k: "field", pos, idents: [t.v.slice(1)] };
    else if (t.t === "var") {
      if (!this.vars.includes(t.v)) this.fail(pos, `undefined variable "${t.v}"`);
      a = { k: "var", pos, name: t.v, idents: [] };
    } else if (t.t === "str" || t.t === "num") a = { k: "lit", pos, value: t.lit ?? "", text: t.v };
    else if (t.t === "ident" && ["true", "false", "nil"].includes(t.v))
      a = { k: "lit", pos, value: t.v === "nil" ? null : t.v === "true", text: t.v };
    else if (t.t === "ident" && KEYWORDS.has(t.v)) this.unexpected(t, "operand");
    else if (t.t === "ident") {
      if (!this.funcs.has(t.v)) this.fail(pos, `function "${t.v}" not defined`);
      a = { k: "ident", pos, name: t.v };
    } else if (t.t === "lparen") {
      this.i++;
      a = { k: "pipe", pos, pipe: this.pipeline("parenthesized pipeline", "rparen") };
      this.i--;
    } else return null;
    this.i++;
    const idents: string[] = [];
    while (this.peek().t === "field" && !this.peek().sp) idents.push(this.next().v.slice(1));
    if (!idents.length) return a;
    if (a.k === "field" || a.k === "var") a.idents.push(...idents);
    else a = { k: "chain", pos, node: a, idents };
    return a;
  }
}

/** Parses a template into a node list; `funcs` names the callable functions. Throws TemplateError. */
export function parseTemplate(src: string, funcs: ReadonlySet<string>): Node[] {
  const p = new Parser(src, funcs);
  const [nodes, end, pos] = p.list();
  if (end !== "eof") p.fail(pos, `unexpected {{${end}}}`);
  return nodes;
}
