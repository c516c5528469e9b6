import { describe, expect, it } from "vitest";
import { alignCells, formatRows, renderTable } from "./table.js";
import type { FormatColumn } from "./table.js";

describe("renderTable", () => {
  it("prints docker ps's empty header with tabwriter's minimum column width", () => {
    const headers = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"];
    expect(renderTable(headers, [])).toBe(
      "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n",
    );
  });

  it("aligns columns left, ≥ 3 spaces apart, without padding the last column", () => {
    const out = renderTable(
      ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"],
      [
        ["postgres", "16-alpine", "4e0ad3a1b2c3", "2 weeks ago", "243MB"],
        ["nginx", "latest", "a8758716bb6a", "3 months ago", "192MB"],
      ],
    );
    expect(out).toBe(
      [
        "REPOSITORY   TAG         IMAGE ID       CREATED        SIZE",
        "postgres     16-alpine   4e0ad3a1b2c3   2 weeks ago    243MB",
        "nginx        latest      a8758716bb6a   3 months ago   192MB",
        "",
      ].join("\n"),
    );
  });

  it("leaves no trailing spaces when trailing cells are empty", () => {
    expect(renderTable(["DRIVER", "VOLUME NAME"], [["local", ""]])).toBe("DRIVER    VOLUME NAME\nlocal\n");
  });

  it("counts characters, not UTF-16 units", () => {
    expect(
      alignCells([
        ["naïve…", "x"],
        ["🐳🐳🐳🐳🐳🐳🐳🐳", "y"],
      ]),
    ).toBe("naïve…     x\n🐳🐳🐳🐳🐳🐳🐳🐳   y\n");
    expect(alignCells([])).toBe("");
  });
});

interface Volume {
  driver: string;
  name: string;
  labels: string;
}

const volumes: Volume[] = [
  { driver: "local", name: "pgdata", labels: "com.docker.compose.project=shop" },
  { driver: "local", name: "cache<tmp>", labels: "" },
];
const columns: FormatColumn<Volume>[] = [
  { header: "DRIVER", field: "Driver", value: (v) => v.driver },
  { header: "VOLUME NAME", field: "Name", value: (v) => v.name },
  { header: "LABELS", field: "Labels", value: (v) => v.labels },
];

describe("formatRows", () => {
  it("prints every column as a table by default and for 'table'", () => {
    const expected = [
      "DRIVER    VOLUME NAME   LABELS",
      "local     pgdata        com.docker.compose.project=shop",
      "local     cache<tmp>",
      "",
    ].join("\n");
    expect(formatRows(volumes, { columns })).toBe(expected);
    expect(formatRows(volumes, { format: "table", columns })).toBe(expected);
  });

  it("prints only the header for no items", () => {
    expect(formatRows([], { columns })).toBe("DRIVER    VOLUME NAME   LABELS\n");
  });

  it("prints the placeholders of a 'table …' format as columns", () => {
    expect(formatRows(volumes, { format: "table {{.Name}}\\t{{ .Driver }}", columns })).toBe(
      "VOLUME NAME   DRIVER\npgdata        local\ncache<tmp>    local\n",
    );
  });

  it("rejects unknown fields like Go's template engine", () => {
    expect(() => formatRows(volumes, { format: "table {{.Size}}", columns })).toThrow(
      `template: :1:2: executing "" at <.Size>: can't evaluate field Size in type *formatter.Context`,
    );
    expect(() => formatRows(volumes, { format: "{{.Mountpoint}}", columns })).toThrow(
      "can't evaluate field Mountpoint",
    );
  });

  it("prints one compact JSON object per line for 'json', keys sorted, HTML characters escaped", () => {
    expect(formatRows(volumes, { format: "json", columns })).toBe(
      '{"Driver":"local","Labels":"com.docker.compose.project=shop","Name":"pgdata"}\n' +
        '{"Driver":"local","Labels":"","Name":"cache\\u003ctmp\\u003e"}\n',
    );
    expect(formatRows([], { format: "json", columns })).toBe("");
  });

  it("renders any other format as a per-line template with \\t and \\n escapes", () => {
    expect(formatRows(volumes, { format: "{{.Name}}", columns })).toBe("pgdata\ncache<tmp>\n");
    expect(formatRows(volumes, { format: "{{.Driver}}\\t{{.Name}}", columns })).toBe(
      "local\tpgdata\nlocal\tcache<tmp>\n",
    );
    expect(
      formatRows(volumes.slice(0, 1), { format: "name: {{.Name}}\\ndriver: {{.Driver}}", columns }),
    ).toBe("name: pgdata\ndriver: local\n");
    expect(formatRows(volumes.slice(0, 1), { format: "{{json .Name}} {{json .}}", columns })).toBe(
      '"pgdata" {"Driver":"local","Labels":"com.docker.compose.project=shop","Name":"pgdata"}\n',
    );
  });

  it("reports template errors as the user's (exit 1), not as internal errors", () => {
    const run = (format: string) => {
      try {
        formatRows(volumes, { format, columns, type: "*formatter.volumeContext" });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(run("{{.Nope}}")).toMatchObject({
      exitCode: 1,
      message: `template: :1:2: executing "" at <.Nope>: can't evaluate field Nope in type *formatter.volumeContext`,
    });
    expect(run("{{.Name")).toMatchObject({ exitCode: 1 });
  });

  it('calls methods with arguments, as docker\'s {{.Label "k"}}, and runs full templates', () => {
    const methods = [
      { header: "LABEL", field: "Label", call: (v: Volume, k: string) => (k === "x" ? v.name : "") },
    ];
    expect(formatRows(volumes, { format: '{{.Label "x"}}|{{.Label "y"}}', columns, methods })).toBe(
      "pgdata|\ncache<tmp>|\n",
    );
    expect(formatRows(volumes, { format: 'table {{.Label "x"}}', columns, methods })).toBe(
      "LABEL\npgdata\ncache<tmp>\n",
    );
    expect(formatRows(volumes, { format: "{{if .Labels}}{{.Name}}{{else}}-{{end}}", columns })).toBe(
      "pgdata\n-\n",
    );
    expect(() => formatRows(volumes, { format: "{{.Label}}", columns, methods })).toThrow(
      "wrong number of args for Label: want 1 got 0",
    );
  });
});
