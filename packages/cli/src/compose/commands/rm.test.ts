import { describe, expect, it } from "vitest";
import type { StackView } from "../engine.js";
import { container, service, task } from "./__fixtures__/stack-view.js";
import { removalPlan } from "./rm.js";

describe("removalPlan", () => {
  const view: StackView = {
    stack: null,
    services: [service("db"), service("web"), service("job"), service("new", undefined, true)],
    tasks: [
      task("db", "running"),
      task("db", "shutdown", "shutdown"),
      task("web", "shutdown", "shutdown"),
      task("job", "complete"),
    ],
  };
  const containers = [
    container("p-db-1", "db", "running", false),
    container("p-job-1", "job", "exited", false),
    container("p-web-run-1", "web", "exited", true),
    container("p-db-run-2", "db", "running", true),
  ];

  it("takes the services that do not run (stopped, exited, created) and stopped one-offs", () => {
    const plan = removalPlan("p", view, containers, []);
    expect(plan.services).toEqual(["web", "job", "new"]);
    expect(plan.names).toEqual(["p-job-1", "p-new-1", "p-web-1", "p-web-run-1"]);
    expect(plan.containers.map((c) => c.names[0])).toEqual(["/p-job-1", "/p-web-run-1"]);
  });

  it("keeps to the named services", () => {
    const plan = removalPlan("p", view, containers, ["db"]);
    expect(plan).toEqual({ services: [], names: [], containers: [] });
    expect(removalPlan("p", view, containers, ["web"]).names).toEqual(["p-web-1", "p-web-run-1"]);
  });

  it("leaves services whose tasks are still starting or shutting down", () => {
    const busy: StackView = {
      ...view,
      tasks: [task("web", "pending"), task("job", "running", "shutdown")],
    };
    expect(removalPlan("p", busy, [], []).services).toEqual(["db", "new"]);
  });
});
