import table from "text-table";
import { compileTemplate, goStruct, TemplateError } from "./go-template.js";
import { ExitError } from "./run-cli.js";

// docker/cli writes tables through text/tabwriter.NewWriter(out, 10, 1, 3, ' ', 0): every column but the
// last is at least 10 wide and its cells are followed by at least 3 spaces.
const MIN_WIDTH = 10;
const PADDING = "   ";

const SURROGATE = /[\uD800-\uDFFF]/;

/** Width in code points, as Go's tabwriter counts runes (UTF-16 units unless a pair is present). */
function runeLength(s: string): number {
  return SURROGATE.test(s) ? Array.from(s).length : s.length;
}

/** Aligns rows of cells as docker's tabwriter does; lines end in "\n" and carry no trailing spaces. */
export function alignCells(lines: string[][]): string {
  if (lines.length === 0) return "";
  const minCell = MIN_WIDTH - PADDING.length;
  const padded = lines.map((cells) =>
    cells.map((cell, i) =>
      i < cells.length - 1 ? cell + " ".repeat(Math.max(0, minCell - runeLength(cell))) : cell,
    ),
  );
  const text = table(padded, { hsep: PADDING, stringLength: runeLength });
  return `${text
    .split("\n")
    .map((line) => line.replace(/ +$/, ""))
    .join("\n")}\n`;
}

/** A table with a header row, aligned like `docker ps` (columns ≥ 10 wide, ≥ 3 spaces apart). */
export function renderTable(headers: string[], rows: string[][]): string {
  return alignCells([headers, ...rows]);
}

/** One output column: its table header, its `{{.Field}}` name and how to render an item. */
export interface FormatColumn<T> {
  header: string;
  field: string;
  value: (t: T) => string;
}

/** A template method that takes arguments, as docker's `{{.Label "com.example"}}`. */
export interface FormatMethod<T> {
  header: string;
  field: string;
  call: (t: T, arg: string) => string;
}

/** What `formatRows` prints: the `--format` value and the known columns. */
export interface FormatRowsOptions<T> {
  format?: string;
  columns: FormatColumn<T>[];
  /** Methods with an argument (not in `json` output, as Docker's). */
  methods?: FormatMethod<T>[];
  /** The Go type named when a template asks for a field there is not (`*formatter.ContainerContext`). */
  type?: string;
}

/** JSON as Go's encoding/json writes it: compact, with <, >, &, U+2028 and U+2029 escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** An item as the object `{{json .}}` prints: every column by field name, keys sorted as Go sorts map keys. */
function jsonObject<T>(item: T, columns: FormatColumn<T>[]): Record<string, string> {
  const sorted = [...columns].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return Object.fromEntries(sorted.map((c) => [c.field, c.value(item)]));
}

/** A function of `arity` parameters (templates check a method's argument count). */
function withArity<F extends (...args: never[]) => unknown>(fn: F, arity: number): F {
  return Object.defineProperty(fn, "length", { value: arity });
}

/**
 * The template data for one item: a Go struct whose fields are the columns (computed when a
 * template reads them) and whose methods are `methods`; `{{json .}}` prints the columns.
 */
function itemStruct<T>(item: T, opts: FormatRowsOptions<T>): object {
  const data: Record<string, unknown> = {};
  for (const c of opts.columns) data[c.field] = () => c.value(item);
  for (const m of opts.methods ?? []) data[m.field] = withArity((arg: string) => m.call(item, arg), 1);
  Object.defineProperty(data, "toJSON", { value: () => jsonObject(item, opts.columns) });
  return goStruct(data, opts.type ?? "*formatter.Context");
}

/** The header row's data: each column's and method's header in place of its value. */
function headerStruct<T>(opts: FormatRowsOptions<T>): object {
  const data: Record<string, unknown> = {};
  for (const c of opts.columns) data[c.field] = c.header;
  for (const m of opts.methods ?? []) data[m.field] = withArity((_arg: string) => m.header, 1);
  return goStruct(data, opts.type ?? "*formatter.Context");
}

/** Runs `fn`; a template error in it is the user's (exit 1 with Go's message), not an internal one. */
function userTemplate<R>(fn: () => R): R {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TemplateError) throw new ExitError(1, e.message);
    throw e;
  }
}

/**
 * Renders items as docker's `--format` does: "table" (default) or "table {{.A}}\t{{.B}}" for aligned
 * columns under headers, "json" for one JSON object per line, anything else as a per-item Go
 * template (`{{.Field}}`, `{{json .}}`, `{{.Label "k"}}`, pipelines, `if`, `range` …).
 */
export function formatRows<T>(items: T[], opts: FormatRowsOptions<T>): string {
  const { columns } = opts;
  const format = opts.format ?? "table";
  if (format.trim() === "json") return items.map((t) => `${goJson(jsonObject(t, columns))}\n`).join("");
  const isTable = format.startsWith("table");
  let template = (isTable ? format.slice("table".length) : format).replace(/^ +| +$/g, "");
  template = template.replace(/\\t/g, "\t").replace(/\\n/g, "\n");
  if (isTable && template === "") template = columns.map((c) => `{{.${c.field}}}`).join("\t");
  const compiled = userTemplate(() => compileTemplate(template));
  const render = (data: unknown) => userTemplate(() => compiled(data));
  const rows = items.map((t) => render(itemStruct(t, opts)));
  if (!isTable) return rows.map((r) => `${r}\n`).join("");
  const text = [render(headerStruct(opts)), ...rows].join("\n");
  return alignCells(text.split("\n").map((line) => line.split("\t")));
}
