import { describe, expect, it } from "vitest";
import type { VolumeRow } from "./volume-filters.js";
import { filterVolumes } from "./volume-filters.js";

const vols: VolumeRow[] = [
  { Name: "blog-data", Driver: "local", Labels: { app: "blog" }, UsedBy: ["c1"] },
  { Name: "cache", Driver: "local", Labels: {}, UsedBy: [] },
];
const names = (filters: string[]) => filterVolumes(vols, filters).map((v) => v.Name);

describe("volume ls --filter", () => {
  it("filters on dangling, name, label and driver as Docker's", () => {
    expect(names(["dangling=true"])).toEqual(["cache"]);
    expect(names(["dangling=0"])).toEqual(["blog-data"]);
    expect(names(["name=^blog"])).toEqual(["blog-data"]);
    expect(names(["name=a"])).toEqual(["blog-data", "cache"]);
    expect(names(["label=app"])).toEqual(["blog-data"]);
    expect(names(["label=app=shop"])).toEqual([]);
    expect(names(["driver=local", "name=cache"])).toEqual(["cache"]);
    expect(names(["name=cache", "name=blog"])).toEqual(["blog-data", "cache"]);
  });

  it("refuses unknown keys and bad dangling values", () => {
    expect(() => names(["bogus=1"])).toThrow(/^invalid filter 'bogus'$/);
    expect(() => names(["dangling=maybe"])).toThrow(/^invalid filter 'dangling=maybe'$/);
  });
});
