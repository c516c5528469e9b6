import { ComposeError } from "./errors.js";
import type { VariableLookup } from "./interpolate.js";
import { interpolateString } from "./interpolate.js";

/** Options for `parseDotenv`. */
export interface DotenvOptions {
  /** The file's path, for error messages. */
  file: string;
  /** Variables visible to `${VAR}` references besides the file's own earlier keys (e.g. the OS env). */
  lookup?: VariableLookup;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', $: "$$" };

/**
 * Parses a `.env` file as Compose does: `KEY=VALUE` (or `KEY: VALUE`), an optional `export `, `#`
 * comments, single quotes (literal, may span lines), double quotes (escapes, may span lines,
 * `${VAR}` expanded), unquoted values (trimmed, ` #` starts a comment, `${VAR}` expanded), and a
 * bare `KEY` that inherits from `lookup` (left out when unset). References see the keys defined
 * earlier in the same file first, then `lookup`. Throws E_ENV_FILE with the file and line.
 */
export function parseDotenv(text: string, options: DotenvOptions): Record<string, string> {
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const out: Record<string, string> = {};
  const lookup: VariableLookup = (name) => (name in out ? out[name] : options.lookup?.(name));
  let pos = 0;
  let line = 1;
  const fail = (detail: string, atLine: number, hint?: string): never => {
    throw new ComposeError({
      code: "E_ENV_FILE",
      detail,
      location: { file: options.file, line: atLine, column: 1 },
      hint: hint ?? "each line must be KEY=VALUE, a comment (#) or empty",
    });
  };
  while (pos < src.length) {
    const eol = src.indexOf("\n", pos);
    const rawLine = src.slice(pos, eol === -1 ? src.length : eol);
    const startLine = line;
    const trimmed = rawLine.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      pos = eol === -1 ? src.length : eol + 1;
      line++;
      continue;
    }
    let body = rawLine.trimStart().replace(/^export\s+/, "");
    const sep = body.search(/[=:]/);
    if (sep === -1) {
      const key = body.trim();
      if (!KEY.test(key)) fail(`invalid variable name ${JSON.stringify(key)}`, startLine);
      const inherited = options.lookup?.(key);
      if (inherited !== undefined) out[key] = inherited;
      pos = eol === -1 ? src.length : eol + 1;
      line++;
      continue;
    }
    const key = body.slice(0, sep).trim();
    if (!KEY.test(key)) fail(`invalid variable name ${JSON.stringify(key)}`, startLine);
    body = body.slice(sep + 1).trimStart();
    const valueStart = pos + (rawLine.length - body.length);
    const quote = body[0];
    if (quote === "'" || quote === '"') {
      const close = findClosingQuote(src, valueStart + 1, quote);
      if (close === -1)
        fail(
          `unterminated ${quote === "'" ? "single" : "double"}-quoted value for ${key}`,
          startLine,
          `close the ${quote} quote`,
        );
      const inner = src.slice(valueStart + 1, close);
      out[key] = quote === "'" ? inner : expand(unescapeDouble(inner), lookup, options.file, startLine);
      line += countNewlines(src, pos, close);
      const after = src.indexOf("\n", close);
      const rest = src.slice(close + 1, after === -1 ? src.length : after).trim();
      if (rest !== "" && !rest.startsWith("#"))
        fail(`unexpected characters after the closing quote of ${key}`, line);
      pos = after === -1 ? src.length : after + 1;
      line++;
    } else {
      const value = body.replace(/(^|\s+)#.*$/, "").trim();
      out[key] = expand(value, lookup, options.file, startLine);
      pos = eol === -1 ? src.length : eol + 1;
      line++;
    }
  }
  return out;
}

function findClosingQuote(src: string, from: number, quote: string): number {
  for (let i = from; i < src.length; i++) {
    if (quote === '"' && src[i] === "\\") i++;
    else if (src[i] === quote) return i;
  }
  return -1;
}

/** Double-quote escapes; `\$` becomes `$$` so interpolation keeps it literal. */
function unescapeDouble(s: string): string {
  return s.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
}

function expand(value: string, lookup: VariableLookup, file: string, line: number): string {
  try {
    return interpolateString(value, lookup);
  } catch (e) {
    if (!(e instanceof ComposeError)) throw e;
    throw new ComposeError({
      code: "E_ENV_FILE",
      detail: e.detail,
      hint: e.hint,
      location: { file, line, column: 1 },
    });
  }
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === "\n") n++;
  return n;
}
