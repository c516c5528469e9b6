import type { Task } from "@tsc/manager";
import { describe, expect, it } from "vitest";
import type { StackView } from "../engine.js";
import { service, task } from "./__fixtures__/stack-view.js";
import { dependenciesMet } from "./run.js";

describe("dependenciesMet", () => {
  const dependsOn = (condition: string) =>
    service("app", {
      image: "busybox",
      depends_on: { db: { condition: condition as "service_started", required: true } },
    }).spec;
  const db = service("db", {
    image: "busybox",
    healthcheck: { test: ["CMD", "true"] },
  });
  const view = (...tasks: Task[]): StackView => ({ stack: null, services: [db], tasks });

  it("service_started: a running (or finished) task", () => {
    expect(dependenciesMet(dependsOn("service_started"), view(task("db", "starting")))).toBe(false);
    expect(dependenciesMet(dependsOn("service_started"), view(task("db", "running")))).toBe(true);
  });

  it("service_healthy: a running task reported healthy", () => {
    const spec = dependsOn("service_healthy");
    expect(dependenciesMet(spec, view(task("db", "running", "running", { health: "starting" })))).toBe(false);
    expect(dependenciesMet(spec, view(task("db", "running", "running", { health: "healthy" })))).toBe(true);
  });

  it("service_completed_successfully: a task that exited 0", () => {
    const spec = dependsOn("service_completed_successfully");
    expect(dependenciesMet(spec, view(task("db", "failed", "running", { exitCode: 1 })))).toBe(false);
    expect(dependenciesMet(spec, view(task("db", "complete", "running", { exitCode: 0 })))).toBe(true);
  });

  it("a missing optional dependency does not hold it up", () => {
    const spec = service("app", {
      image: "busybox",
      depends_on: { cache: { condition: "service_started", required: false } },
    }).spec;
    expect(dependenciesMet(spec, view())).toBe(true);
  });
});
