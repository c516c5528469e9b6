import { describe, expect, it } from "vitest";
import type { HistoryRow } from "./history.js";
import { renderHistory } from "./history.js";

const id = `sha256:${"a".repeat(64)}`;
const rows: HistoryRow[] = [
  { Id: id, Created: "2024-01-02T00:00:00Z", CreatedBy: 'CMD ["sh"]', Size: 0 },
  {
    Id: "<missing>",
    Created: "2024-01-01T00:00:00Z",
    CreatedBy: `ADD file:${"f".repeat(64)} in /`,
    Size: 4_261_376,
    Comment: "imported",
  },
];

describe("history", () => {
  it("prints newest first, the short image ID on top and <missing> below, as Docker's", () => {
    const out = renderHistory(rows, { trunc: true, human: true }).split("\n");
    expect(out[0]).toMatch(/^IMAGE {10}CREATED +CREATED BY {38}SIZE {6}COMMENT$/);
    expect(out[1]).toMatch(/^aaaaaaaaaaaa {3}\d+ \w+ ago\s+CMD \["sh"\]\s+0B$/);
    expect(out[2]).toMatch(/^<missing> {6}\d+ \w+ ago\s+ADD file:f{35}…\s+4\.26MB\s+imported$/);
  });

  it("prints IDs only with -q, full values with --no-trunc, raw numbers with -H=false", () => {
    expect(renderHistory(rows, { trunc: true, human: true, quiet: true })).toBe("aaaaaaaaaaaa\n<missing>\n");
    expect(renderHistory(rows, { trunc: false, human: true, quiet: true })).toBe(`${id}\n<missing>\n`);
    expect(renderHistory(rows, { trunc: false, human: false, format: "{{.Size}} {{.CreatedBy}}" })).toBe(
      `0 CMD ["sh"]\n4261376 ADD file:${"f".repeat(64)} in /\n`,
    );
  });

  it("prints Docker's JSON object per layer", () => {
    const first = JSON.parse(
      renderHistory(rows, { trunc: true, human: true, format: "json" }).split("\n")[0]!,
    );
    expect(Object.keys(first)).toEqual(["Comment", "CreatedAt", "CreatedBy", "CreatedSince", "ID", "Size"]);
    expect(first).toMatchObject({ ID: "aaaaaaaaaaaa", Size: "0B", Comment: "" });
  });
});
