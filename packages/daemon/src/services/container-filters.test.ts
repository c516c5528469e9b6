import type { ContainerSummary } from "@tsc/api";
import { describe, expect, it } from "vitest";
import { containerFilter } from "./container-filters.js";

function summary(over: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id: "f".repeat(64),
    names: ["/web-1"],
    image: "busybox:latest",
    imageId: "sha256:" + "e".repeat(64),
    command: ["sleep", "1"],
    created: "2024-01-01T00:00:01Z",
    state: "exited",
    startedAt: "",
    finishedAt: "",
    exitCode: 3,
    health: "",
    ports: [],
    labels: { tier: "front" },
    sizeRw: 0,
    networks: ["app"],
    restartCount: 0,
    sizeRootFs: 0,
    mounts: [],
    ...over,
  };
}

const none = (ref: string): ContainerSummary => {
  throw new Error(`no ${ref}`);
};
const matches = (filters: string[], s = summary(), lookup = none) => containerFilter(filters, lookup)(s);

describe("ps --filter", () => {
  it("matches Docker's keys", () => {
    expect(matches(["status=exited", "exited=3"])).toBe(true);
    expect(matches(["label=tier=front", "network=app"])).toBe(true);
    expect(matches(["label=tier"])).toBe(true);
    expect(matches(["label=tier=back"])).toBe(false);
    expect(matches(["ancestor=busybox"])).toBe(true);
    expect(matches(["status=running", "status=exited"])).toBe(true);
    expect(matches(["status=running"])).toBe(false);
    expect(matches(["id=fff"])).toBe(true);
    expect(matches(["exited=0"])).toBe(false);
  });

  it("treats name= as a regular expression, with or without the leading slash", () => {
    expect(matches(["name=web"])).toBe(true);
    expect(matches(["name=db"])).toBe(false);
    expect(matches(["name=^web-1$"])).toBe(true);
    expect(matches(["name=^/web-1$"])).toBe(true);
    expect(matches(["name=^web$"])).toBe(false);
    expect(matches(["name=^blog1$"], summary({ names: ["/blog10"] }))).toBe(false);
    expect(matches(["name=("])).toBe(false);
  });

  it("refuses unknown keys and bad values with Docker's words", () => {
    expect(() => matches(["bogus=1"])).toThrow(/^invalid filter 'bogus'$/);
    expect(() => matches(["status=bogus"])).toThrow(/^invalid filter 'status=bogus'$/);
    expect(() => matches(["health=sick"])).toThrow("unrecognized filter value for health: sick");
    expect(() => matches(["exited=x"])).toThrow(/^invalid filter 'exited=x'/);
    expect(() => matches(["is-task=maybe"])).toThrow("Invalid filter 'is-task=[maybe]'");
    expect(() => matches(["publish=99999"])).toThrow("invalid filter 'publish=99999'");
  });

  it("filters on health (none for no healthcheck), task, volumes and ports", () => {
    expect(matches(["health=none"])).toBe(true);
    expect(matches(["health=healthy"], summary({ health: "healthy" }))).toBe(true);
    expect(matches(["health=none"], summary({ health: "healthy" }))).toBe(false);
    expect(matches(["is-task=false"])).toBe(true);
    expect(matches(["is-task=true"], summary({ labels: { "com.tsc.task.id": "t1" } }))).toBe(true);
    const withVolume = summary({
      mounts: [
        { type: "volume", name: "data", source: "/v/data/_data", destination: "/data", driver: "local" },
        { type: "bind", name: "", source: "/srv", destination: "/www", driver: "" },
      ],
    });
    expect(matches(["volume=data"], withVolume)).toBe(true);
    expect(matches(["volume=/www"], withVolume)).toBe(true);
    expect(matches(["volume=/srv"], withVolume)).toBe(true);
    expect(matches(["volume=other"], withVolume)).toBe(false);
    const published = summary({ ports: [{ ip: "0.0.0.0", privatePort: 80, publicPort: 8080, type: "tcp" }] });
    expect(matches(["publish=8080"], published)).toBe(true);
    expect(matches(["publish=8000-8090/tcp"], published)).toBe(true);
    expect(matches(["publish=8080/udp"], published)).toBe(false);
    expect(matches(["expose=80"], published)).toBe(true);
    expect(matches(["expose=8080"], published)).toBe(false);
  });

  it("keeps the containers created before or since the one named", () => {
    const ref = summary({ created: "2024-01-01T00:00:01Z" });
    const lookup = () => ref;
    const older = summary({ created: "2024-01-01T00:00:00Z" });
    const newer = summary({ created: "2024-01-01T00:00:02Z" });
    expect(matches(["before=r"], older, lookup)).toBe(true);
    expect(matches(["before=r"], newer, lookup)).toBe(false);
    expect(matches(["since=r"], newer, lookup)).toBe(true);
    expect(matches(["since=r"], ref, lookup)).toBe(false);
  });
});
