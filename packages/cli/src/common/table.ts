import table from "text-table";

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

/** What `formatRows` prints: the `--format` value and the known columns. */
export interface FormatRowsOptions<T> {
  format?: string;
  columns: FormatColumn<T>[];
  quiet?: (t: T) => string;
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

const PLACEHOLDER = /\{\{\s*(json\s+)?\.(\w*)\s*\}\}/g;

/**
 * Renders items as docker's `--format` does: "table" (default) or "table {{.A}}\t{{.B}}" for aligned
 * columns under headers, "json" for one JSON object per line, anything else as a per-item template.
 */
export function formatRows<T>(items: T[], opts: FormatRowsOptions<T>): string {
  const { columns } = opts;
  const format = opts.format ?? "table";
  if (format.trim() === "json") return items.map((t) => `${goJson(jsonObject(t, columns))}\n`).join("");
  const isTable = format.startsWith("table");
  let template = (isTable ? format.slice("table".length) : format).replace(/^ +| +$/g, "");
  template = template.replace(/\\t/g, "\t").replace(/\\n/g, "\n");
  if (isTable && template === "") template = columns.map((c) => `{{.${c.field}}}`).join("\t");

  const column = (name: string): FormatColumn<T> => {
    const found = columns.find((c) => c.field === name);
    if (found === undefined) {
      throw new Error(`template: :1:3: executing "" at <.${name}>: can't evaluate field ${name}`);
    }
    return found;
  };
  const render = (item: T): string =>
    template.replace(PLACEHOLDER, (_m, json: string | undefined, name: string) => {
      if (name === "") return json === undefined ? _m : goJson(jsonObject(item, columns));
      const value = column(name).value(item);
      return json === undefined ? value : goJson(value);
    });

  if (!isTable) return items.map((t) => `${render(t)}\n`).join("");
  const header = template.replace(PLACEHOLDER, (_m, _json: string | undefined, name: string) =>
    name === "" ? "" : column(name).header,
  );
  const text = [header, ...items.map(render)].join("\n");
  return alignCells(text.split("\n").map((line) => line.split("\t")));
}
