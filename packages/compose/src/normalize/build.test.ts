import { describe, expect, it } from "vitest";
import { normalizeBuild } from "./build.js";

const P = ["services", "web", "build"];
const env: Record<string, string> = { FROM_ENV: "e" };
const build = (value: unknown) => normalizeBuild(value, P, "/proj", (n) => env[n]);

describe("normalizeBuild", () => {
  it("turns a string into an absolute context with the default Dockerfile", () => {
    expect(build("./app")).toEqual({ context: "/proj/app", dockerfile: "Dockerfile" });
    expect(build(".")).toEqual({ context: "/proj", dockerfile: "Dockerfile" });
  });

  it("keeps remote contexts as written", () => {
    for (const url of ["https://github.com/docker/app.git#main", "git@github.com:o/r.git", "github.com/o/r"])
      expect(build(url).context).toBe(url);
  });

  it("defaults the context to the project directory and keeps dockerfile_inline without a Dockerfile", () => {
    expect(build({ dockerfile_inline: "FROM busybox" })).toEqual({
      context: "/proj",
      dockerfile_inline: "FROM busybox",
    });
    expect(build({ context: "b", dockerfile: "Custom.Dockerfile" })).toEqual({
      context: "/proj/b",
      dockerfile: "Custom.Dockerfile",
    });
  });

  it("resolves args from the environment, leaving unresolved ones out as Compose does", () => {
    expect(build({ args: ["VERSION=1", "FROM_ENV", "UNSET"] }).args).toEqual({ VERSION: "1", FROM_ENV: "e" });
    expect(build({ args: { N: 2, FROM_ENV: null, UNSET: null } }).args).toEqual({ N: "2", FROM_ENV: "e" });
  });

  it("canonicalizes the other build fields", () => {
    expect(
      build({
        context: ".",
        labels: ["a=b"],
        no_cache: "true",
        pull: "0",
        privileged: "yes",
        shm_size: "2g",
        provenance: true,
        no_cache_filter: "stage",
        extra_hosts: ["db:10.0.0.2"],
        additional_contexts: ["base=./base", "img=docker-image://alpine", "svc=service:other"],
        ssh: ["default", "key=/k"],
        secrets: ["token", { source: "s", mode: "0400" }],
        ulimits: { nofile: 10 },
        "x-k": 1,
      }),
    ).toEqual({
      context: "/proj",
      dockerfile: "Dockerfile",
      labels: { a: "b" },
      no_cache: true,
      pull: false,
      privileged: true,
      shm_size: 2 * 1024 ** 3,
      provenance: "true",
      no_cache_filter: ["stage"],
      extra_hosts: ["db=10.0.0.2"],
      additional_contexts: { base: "/proj/base", img: "docker-image://alpine", svc: "service:other" },
      ssh: { default: null, key: "/k" },
      secrets: [{ source: "token" }, { source: "s", mode: 0o400 }],
      ulimits: { nofile: 10 },
      "x-k": 1,
    });
  });

  it("rejects dockerfile together with dockerfile_inline", () => {
    expect(() => build({ dockerfile: "D", dockerfile_inline: "FROM x" })).toThrowError(
      expect.objectContaining({
        code: "E_INVALID_VALUE",
        path: P,
        message: expect.stringContaining("cannot both be set"),
      }),
    );
  });
});
