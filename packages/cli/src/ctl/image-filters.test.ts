import { describe, expect, it } from "vitest";
import type { ImageRow } from "./image-filters.js";
import { filterImageRows } from "./image-filters.js";

const row = (repo: string, tag: string, id: string, created: string): ImageRow => ({
  repo,
  tag,
  id,
  created,
  size: 1,
});
const rows = [
  row("busybox", "latest", "sha256:aaa1", "2026-01-01T00:00:00Z"),
  row("busybox", "1.36", "sha256:aaa2", "2026-02-01T00:00:00Z"),
  row("team/app", "1.2", "sha256:bbb1", "2026-03-01T00:00:00Z"),
  row("<none>", "<none>", "sha256:ccc1", "2026-04-01T00:00:00Z"),
];
const names = (r: ImageRow[]) => r.map((x) => `${x.repo}:${x.tag}`);

describe("images [REPOSITORY[:TAG]] --filter", () => {
  it("matches the argument and reference= as Docker's glob on repo:tag or repo", () => {
    expect(names(filterImageRows(rows, "busybox", []))).toEqual(["busybox:latest", "busybox:1.36"]);
    expect(names(filterImageRows(rows, "busybox:1.36", []))).toEqual(["busybox:1.36"]);
    expect(names(filterImageRows(rows, undefined, ["reference=team/*"]))).toEqual(["team/app:1.2"]);
    expect(names(filterImageRows(rows, undefined, ["reference=*:1.*"]))).toEqual(["busybox:1.36"]);
    expect(names(filterImageRows(rows, undefined, ["reference=*/*:1.*"]))).toEqual(["team/app:1.2"]);
    // `*` does not cross a slash, as Go's path.Match.
    expect(names(filterImageRows(rows, "*", []))).toEqual(["busybox:latest", "busybox:1.36"]);
  });

  it("picks dangling images or the others, and compares creation with before= and since=", () => {
    expect(names(filterImageRows(rows, undefined, ["dangling=true"]))).toEqual(["<none>:<none>"]);
    expect(filterImageRows(rows, undefined, ["dangling=false"])).toHaveLength(3);
    expect(names(filterImageRows(rows, undefined, ["before=team/app:1.2"]))).toEqual([
      "busybox:latest",
      "busybox:1.36",
    ]);
    expect(names(filterImageRows(rows, undefined, ["since=busybox"]))).toEqual([
      "busybox:1.36",
      "team/app:1.2",
      "<none>:<none>",
    ]);
    expect(names(filterImageRows(rows, undefined, ["since=aaa2", "dangling=false"]))).toEqual([
      "team/app:1.2",
    ]);
  });

  it("refuses unknown keys and images, saying which", () => {
    expect(() => filterImageRows(rows, undefined, ["label=x"])).toThrow(/invalid filter 'label'/);
    expect(() => filterImageRows(rows, undefined, ["before=nope:1"])).toThrow(/no such image: nope:1/);
    expect(() => filterImageRows(rows, undefined, ["dangling=maybe"])).toThrow(
      /invalid filter 'dangling=maybe'/,
    );
    // A pattern that is no glob is the user's error, not an internal one.
    expect(() => filterImageRows(rows, "bus[z-a]", [])).toThrow(/invalid reference pattern "bus\[z-a\]"/);
    expect(() => filterImageRows(rows, "bus[y", [])).toThrow(/unclosed \[/);
  });
});
