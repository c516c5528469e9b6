import { ComposeError } from "./errors.js";
import type { JsonPath } from "./json-path.js";
import { YamlTag } from "./yaml-tag.js";

/** Looks a variable up; `undefined` means unset (as opposed to set to ""). */
export type VariableLookup = (name: string) => string | undefined;

/** Options for interpolation. */
export interface InterpolateOptions {
  /** Called for a variable that is unset and has no default (it becomes ""), once per use. */
  onMissing?: (name: string) => void;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATORS = [":-", ":?", ":+", "-", "?", "+"] as const;
type Operator = (typeof OPERATORS)[number];

/** Raised inside the scanner; turned into a ComposeError by the callers that know the path. */
class TemplateError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Interpolates one string the way Compose does: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`, `${VAR+alt}`, nested expressions inside defaults,
 * and `$$` for a literal `$`. Throws E_INTERPOLATION for a malformed template or a missing required
 * variable.
 */
export function interpolateString(
  value: string,
  lookup: VariableLookup,
  options: InterpolateOptions = {},
): string {
  try {
    return substitute(value, lookup, options);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    throw new ComposeError({ code: "E_INTERPOLATION", detail: e.message, hint: e.hint });
  }
}

/**
 * Interpolates every string value in `data` (never map keys); `YamlTag`s are kept with their value
 * interpolated. Errors carry the JSON path of the offending value.
 */
export function interpolateData(
  data: unknown,
  lookup: VariableLookup,
  path: JsonPath = [],
  options: InterpolateOptions = {},
): unknown {
  return walk(data, lookup, [...path], options);
}

/** Recursion for `interpolateData`; `path` is one array pushed and popped (copied only for errors). */
function walk(
  data: unknown,
  lookup: VariableLookup,
  path: (string | number)[],
  options: InterpolateOptions,
): unknown {
  if (typeof data === "string") {
    if (!data.includes("$")) return data;
    try {
      return substitute(data, lookup, options);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      throw new ComposeError({
        code: "E_INTERPOLATION",
        path: [...path],
        detail: `${e.message} in ${JSON.stringify(data)}`,
        hint: e.hint,
      });
    }
  }
  if (data instanceof YamlTag) return new YamlTag(data.tag, walk(data.value, lookup, path, options));
  if (Array.isArray(data)) {
    const out = new Array<unknown>(data.length);
    for (let i = 0; i < data.length; i++) {
      path.push(i);
      out[i] = walk(data[i], lookup, path, options);
      path.pop();
    }
    return out;
  }
  if (data !== null && typeof data === "object") {
    const out: Record<string, unknown> = {};
    for (const k in data) {
      path.push(k);
      out[k] = walk((data as Record<string, unknown>)[k], lookup, path, options);
      path.pop();
    }
    return out;
  }
  return data;
}

const INVALID_HINT = "you may need to escape any $ with another $";

function substitute(text: string, lookup: VariableLookup, options: InterpolateOptions): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
    } else if (next === "{") {
      const end = findClosingBrace(text, dollar + 2);
      if (end === -1) throw new TemplateError("invalid interpolation format: unterminated ${", INVALID_HINT);
      out += expandBraced(text.slice(dollar + 2, end), lookup, options);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1))?.[0];
      if (!name) throw new TemplateError("invalid interpolation format: a lone $", INVALID_HINT);
      out += resolveVariable(name, lookup, options);
      i = dollar + 1 + name.length;
    }
  }
  return out;
}

/** The index of the `}` closing a `${` whose body starts at `from`, honouring nested `${…}`. */
function findClosingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "$" && text[i + 1] === "$") i++;
    else if (c === "$" && text[i + 1] === "{") {
      depth++;
      i++;
    } else if (c === "}" && --depth === 0) return i;
  }
  return -1;
}

function expandBraced(body: string, lookup: VariableLookup, options: InterpolateOptions): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new TemplateError(`invalid interpolation format: "\${${body}}"`, INVALID_HINT);
  const rest = body.slice(name.length);
  if (rest === "") return resolveVariable(name, lookup, options);
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (!op) throw new TemplateError(`invalid interpolation format: "\${${body}}"`, INVALID_HINT);
  return applyOperator(name, op, rest.slice(op.length), lookup, options);
}

function applyOperator(
  name: string,
  op: Operator,
  arg: string,
  lookup: VariableLookup,
  options: InterpolateOptions,
): string {
  const value = lookup(name);
  const unset = value === undefined;
  const empty = unset || value === "";
  switch (op) {
    case ":-":
      return empty ? substitute(arg, lookup, options) : value!;
    case "-":
      return unset ? substitute(arg, lookup, options) : value;
    case ":+":
      return empty ? "" : substitute(arg, lookup, options);
    case "+":
      return unset ? "" : substitute(arg, lookup, options);
    case ":?":
    case "?":
      if (op === ":?" ? empty : unset) {
        const why = substitute(arg, lookup, options);
        throw new TemplateError(
          `required variable ${name} is missing a value${why ? `: ${why}` : ""}`,
          `set ${name} in the environment or in the project's .env file`,
        );
      }
      return value!;
  }
}

function resolveVariable(name: string, lookup: VariableLookup, options: InterpolateOptions): string {
  const value = lookup(name);
  if (value === undefined) {
    options.onMissing?.(name);
    return "";
  }
  return value;
}
