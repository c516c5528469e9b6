import type { ImageSummaryMessage } from "@tsc/api";
import { describe, expect, it } from "vitest";
import { rowsOf } from "./images.js";

const image = (id: string, repoTags: string[], repoDigests: string[] = []): ImageSummaryMessage => ({
  id,
  repoTags,
  created: "2026-01-01T00:00:00Z",
  size: 1,
  containers: 0,
  repoDigests,
});
const name = (ref: string) => ref.replace(/^docker\.io\/library\//, "");
const D = `sha256:${"d".repeat(64)}`;

describe("images rows", () => {
  it("shows the repository's manifest digest, <none> for other repositories", () => {
    const rows = rowsOf(
      [image("sha256:1", ["docker.io/library/busybox:latest", "localhost:5000/bb:1"], [`busybox@${D}`])],
      name,
    );
    expect(rows.map((r) => [r.repo, r.tag, r.digest])).toEqual([
      ["busybox", "latest", D],
      ["localhost:5000/bb", "1", "<none>"],
    ]);
  });

  it("lists an untagged image known by digest under its repository, else as <none>", () => {
    const rows = rowsOf([image("sha256:1", [], [`localhost:5000/bb@${D}`]), image("sha256:2", [])], name);
    expect(rows.map((r) => [r.repo, r.tag, r.digest])).toEqual([
      ["localhost:5000/bb", "<none>", D],
      ["<none>", "<none>", "<none>"],
    ]);
  });
});
