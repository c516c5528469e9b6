import { describe, expect, it } from "vitest";
import { familiarName, formatReference, parseReference } from "./reference.js";

const D = `sha256:${"a".repeat(64)}`;

describe("parseReference", () => {
  it.each([
    ["busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"],
    ["team/app", "docker.io/team/app:latest", "team/app:latest"],
    ["docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"],
    ["index.docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1"],
    ["localhost/x", "localhost/x:latest", "localhost/x:latest"],
    ["localhost:5000/a/b:tag", "localhost:5000/a/b:tag", "localhost:5000/a/b:tag"],
    ["reg.example.com/a/b/c", "reg.example.com/a/b/c:latest", "reg.example.com/a/b/c:latest"],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
  ])("%s", (input, full, short) => {
    const ref = parseReference(input);
    expect(formatReference(ref)).toBe(full);
    expect(familiarName(ref)).toBe(short);
  });

  it.each(["", "Busybox", "busybox:", "a//b", "busybox@sha256:123", "bad name", "busybox:-tag"])(
    "rejects %j",
    (input) => {
      expect(() => parseReference(input)).toThrowError(/invalid reference format/);
    },
  );
});
