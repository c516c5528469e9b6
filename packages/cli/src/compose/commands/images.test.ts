import { describe, expect, it } from "vitest";
import { container } from "./__fixtures__/stack-view.js";
import { imageRows, repositoryAndTag } from "./images.js";

describe("compose images", () => {
  it("splits references into repository and tag as Compose shows them", () => {
    expect(repositoryAndTag("busybox")).toEqual({ Repository: "busybox", Tag: "latest" });
    expect(repositoryAndTag("busybox:1.36")).toEqual({ Repository: "busybox", Tag: "1.36" });
    expect(repositoryAndTag("localhost:5000/team/app")).toEqual({
      Repository: "localhost:5000/team/app",
      Tag: "latest",
    });
    expect(repositoryAndTag("localhost:5000/app:2")).toEqual({ Repository: "localhost:5000/app", Tag: "2" });
    expect(repositoryAndTag(`app@sha256:${"a".repeat(64)}`)).toEqual({ Repository: "app", Tag: "" });
  });

  it("gives each container its image's ID and size (Compose's JSON fields)", () => {
    const web = {
      ...container("p-web-1", "web", "running", false),
      imageId: "sha256:abc",
      image: "busybox:1.36",
    };
    const db = { ...container("p-db-1", "db", "exited", false), imageId: "sha256:def", image: "db" };
    const rows = imageRows(
      [web, db],
      [{ id: "sha256:abc", repoTags: [], created: "", size: 4_261_550, containers: 1, repoDigests: [] }],
    );
    expect(rows).toEqual([
      { ID: "sha256:abc", ContainerName: "p-web-1", Repository: "busybox", Tag: "1.36", Size: 4_261_550 },
      { ID: "sha256:def", ContainerName: "p-db-1", Repository: "db", Tag: "latest", Size: 0 },
    ]);
  });
});
