import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { Progress } from "../progress.js";
import { service, task } from "./__fixtures__/stack-view.js";
import { runningBefore, showTasks } from "./wait.js";

/** A plain progress display whose lines the test reads. */
function plainProgress(): { progress: Progress; lines: () => string[] } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (b: Buffer) => chunks.push(b.toString()));
  const progress = new Progress("plain", "Running", out as unknown as NodeJS.WriteStream);
  return { progress, lines: () => chunks.join("").split("\n").filter(Boolean) };
}

describe("showTasks (Compose's container lines while waiting)", () => {
  it("goes Creating → Starting → Started for a new container, never Created before Creating", async () => {
    const { progress, lines } = plainProgress();
    const svc = [service("web")];
    for (const state of ["pending", "assigned", "preparing", "starting", "running"] as const) {
      const t = { ...task("web", state), id: "t1" };
      const verdict = showTasks({ stack: null, services: svc, tasks: [t] }, { project: "p", progress });
      expect(verdict.done).toBe(state === "running");
    }
    await new Promise((r) => setImmediate(r));
    expect(lines()).toEqual([
      " Container p-web-1  Creating",
      " Container p-web-1  Starting",
      " Container p-web-1  Started",
    ]);
  });

  it("shows containers that ran before the command as Running, as Compose does for those it left alone", async () => {
    const { progress, lines } = plainProgress();
    const before = { stack: null, services: [service("web"), service("db")], tasks: [task("db", "running")] };
    const running = runningBefore(before);
    const now = { ...before, tasks: [...before.tasks, task("web", "running")] };
    expect(showTasks(now, { project: "p", progress, before: running }).done).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(lines().sort()).toEqual([" Container p-db-1  Running", " Container p-web-1  Started"]);
  });

  it("shows a new container in a slot that ran before as Recreate (a changed service), not Creating", async () => {
    const { progress, lines } = plainProgress();
    const svc = [service("web")];
    const old = { ...task("web", "running"), id: "old" };
    const replacement = { ...task("web", "preparing"), id: "new" };
    showTasks(
      { stack: null, services: svc, tasks: [replacement] },
      { project: "p", progress, before: runningBefore({ stack: null, services: svc, tasks: [old] }) },
    );
    await new Promise((r) => setImmediate(r));
    expect(lines()).toEqual([" Container p-web-1  Recreate"]);
  });

  it("waits while a running container still has the old configuration (its replacement waits for dependencies)", async () => {
    const { progress, lines } = plainProgress();
    const svc = [{ ...service("app"), taskHash: "h2" }];
    const old = { ...task("app", "running"), id: "old" };
    expect(showTasks({ stack: null, services: svc, tasks: [old] }, { project: "p", progress }).done).toBe(
      false,
    );
    const replacement = { ...task("app", "running"), id: "new", configHash: "h2" };
    expect(
      showTasks({ stack: null, services: svc, tasks: [replacement] }, { project: "p", progress }).done,
    ).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(lines()).toEqual([" Container p-app-1  Recreate", " Container p-app-1  Started"]);
  });

  it("with --wait, fails at the first unhealthy container without waiting for the others", () => {
    const { progress } = plainProgress();
    const hc = { healthcheck: { test: ["CMD", "true"] } };
    const svc = [service("bad", { image: "busybox", ...hc }), service("slow", { image: "busybox", ...hc })];
    const tasks = [
      { ...task("bad", "running", "running", { health: "unhealthy" }), id: "b" },
      { ...task("slow", "running", "running", { health: "starting" }), id: "s" },
    ];
    const view = { stack: null, services: svc, tasks };
    expect(showTasks(view, { project: "p", progress, healthy: true })).toEqual({
      done: true,
      failed: "container p-bad-1 is unhealthy",
    });
    // Without --wait, health is not waited for: both run.
    expect(showTasks(view, { project: "p", progress }).done).toBe(true);
  });

  it("shows a container restarting in place as Restarting until its task reports the restart token", async () => {
    const { progress, lines } = plainProgress();
    const svc = [service("web")];
    const asked = { ...task("web", "running"), id: "t1", restartToken: "tok" };
    const view = (t: typeof asked) => ({ stack: null, services: svc, tasks: [t] });
    expect(showTasks(view(asked), { project: "p", progress, restartToken: "tok" }).done).toBe(false);
    // An earlier restart's token does not count.
    const stale = { ...asked, status: { ...asked.status, restartToken: "older" } };
    expect(showTasks(view(stale), { project: "p", progress, restartToken: "tok" }).done).toBe(false);
    const restarted = { ...asked, status: { ...asked.status, restartToken: "tok" } };
    expect(showTasks(view(restarted), { project: "p", progress, restartToken: "tok" }).done).toBe(true);
    await new Promise((r) => setImmediate(r));
    expect(lines()).toEqual([" Container p-web-1  Restarting", " Container p-web-1  Started"]);
  });

  it("waits for health with `healthy`, and reports an unhealthy container as the failure", () => {
    const { progress } = plainProgress();
    const svc = [service("web", { image: "busybox", healthcheck: { test: ["CMD", "true"] } })];
    const waiting = {
      stack: null,
      services: svc,
      tasks: [task("web", "running", "running", { health: "starting" })],
    };
    expect(showTasks(waiting, { project: "p", progress, healthy: true }).done).toBe(false);
    expect(showTasks(waiting, { project: "p", progress }).done).toBe(true);
    const sick = { ...waiting, tasks: [task("web", "running", "running", { health: "unhealthy" })] };
    expect(showTasks(sick, { project: "p", progress, healthy: true }).failed).toBe(
      "container p-web-1 is unhealthy",
    );
  });
});
