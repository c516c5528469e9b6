import { describe, expect, it } from "vitest";
import { service } from "./__fixtures__/stack-view.js";
import { imagesToRemove, shutdownLayers } from "./down.js";

describe("shutdownLayers (Compose's down order)", () => {
  it("stops dependents before what they depend on", () => {
    const db = service("db");
    const migrate = service("migrate", {
      image: "busybox",
      depends_on: { db: { condition: "service_healthy", required: true } },
    });
    const app = service("app", {
      image: "busybox",
      depends_on: {
        migrate: { condition: "service_completed_successfully", required: true },
        db: { condition: "service_healthy", required: true },
      },
    });
    const lone = service("lone");
    expect(shutdownLayers([db, migrate, app, lone])).toEqual([["app", "lone"], ["migrate"], ["db"]]);
  });

  it("is one layer without dependencies, and ends a cycle in one last layer", () => {
    expect(shutdownLayers([service("a"), service("b")])).toEqual([["a", "b"]]);
    const a = service("a", {
      image: "busybox",
      depends_on: { b: { condition: "service_started", required: true } },
    });
    const b = service("b", {
      image: "busybox",
      depends_on: { a: { condition: "service_started", required: true } },
    });
    expect(shutdownLayers([a, b, service("c")])).toEqual([["c"], ["a", "b"]]);
  });
});

describe("imagesToRemove (down --rmi)", () => {
  const named = service("web", { image: "busybox" });
  const built = service("api", { build: { context: "." } });
  const shared = service("worker", { image: "busybox" });

  it("local: only the images of services without an image: name (Compose's built ones)", () => {
    expect(built.spec.container.image).toBe("p-api");
    expect(imagesToRemove("p", [named, built, shared], "local", new Set(["web", "worker"]))).toEqual([
      "p-api",
    ]);
    expect(imagesToRemove("p", [named, shared], "local", new Set(["web", "worker"]))).toEqual([]);
    // Without the compose file: a service whose image is its default name.
    expect(imagesToRemove("p", [named, built], "local")).toEqual(["p-api"]);
  });

  it("all: every service's image, once", () => {
    expect(imagesToRemove("p", [named, built, shared], "all", new Set(["web", "worker"]))).toEqual([
      "busybox",
      "p-api",
    ]);
  });
});
