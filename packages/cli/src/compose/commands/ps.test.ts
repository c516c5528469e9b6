import type { Task } from "@tsc/manager";
import { describe, expect, it } from "vitest";
import { container, service, task } from "./__fixtures__/stack-view.js";
import { psRows } from "./ps.js";

/** Task `id` of slot 1 of `svc`, created at second `at`, whose container (if any) is labelled with it. */
function attempt(
  svc: string,
  id: string,
  at: number,
  state: Task["status"]["state"],
  desired: Task["desiredState"],
): Task {
  return {
    ...task(svc, state, desired),
    id,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString(),
  };
}

/** A container of slot 1 of `svc` made for task `taskId`. */
function containerOf(svc: string, taskId: string, state: string) {
  const c = container(`p-${svc}-1`, svc, state, false);
  return { ...c, id: `${taskId}-c`, labels: { ...c.labels, "com.tsc.task.id": taskId } };
}

describe("psRows (Compose's ps: one row per container)", () => {
  it("lists a slot once, as its latest task, never its history (with -a too)", () => {
    const tasks = [
      attempt("web", "t1", 1, "failed", "shutdown"),
      attempt("web", "t2", 2, "failed", "shutdown"),
      attempt("web", "t3", 3, "shutdown", "shutdown"),
      attempt("web", "t4", 4, "running", "running"),
    ];
    const rows = psRows("p", [service("web")], tasks, [containerOf("web", "t4", "running")], true);
    expect(rows.map((r) => `${r.Name} ${r.Task} ${r.State}`)).toEqual(["p-web-1 t4 running"]);
    expect(psRows("p", [service("web")], tasks, [containerOf("web", "t4", "running")], false)).toHaveLength(
      1,
    );
  });

  it("shows a slot whose latest task ended as one exited row with -a, and none without", () => {
    const tasks = [
      attempt("job", "j1", 1, "failed", "shutdown"),
      attempt("job", "j2", 2, "complete", "running"),
    ];
    const all = psRows("p", [service("job")], tasks, [containerOf("job", "j2", "exited")], true);
    expect(all.map((r) => `${r.Name} ${r.Task} ${r.State}`)).toEqual(["p-job-1 j2 exited"]);
    expect(psRows("p", [service("job")], tasks, [containerOf("job", "j2", "exited")], false)).toEqual([]);
  });

  it("lists paused containers without -a, as Compose does", () => {
    const tasks = [attempt("web", "t1", 1, "running", "running")];
    const rows = psRows("p", [service("web")], tasks, [containerOf("web", "t1", "paused")], false);
    expect(rows.map((r) => `${r.Name} ${r.State}`)).toEqual(["p-web-1 paused"]);
    expect(rows[0]!.Status).toMatch(/^Up .* \(Paused\)$/);
  });

  it("finds the container a task took over from the slot's earlier task", () => {
    const tasks = [
      attempt("web", "old", 1, "shutdown", "shutdown"),
      { ...attempt("web", "new", 2, "running", "running"), adopts: "old" },
    ];
    const rows = psRows("p", [service("web")], tasks, [containerOf("web", "old", "running")], false);
    expect(rows.map((r) => `${r.Task} ${r.ID}`)).toEqual(["new old-c"]);
  });

  it("leaves out slots scaled away whose container is gone", () => {
    const tasks = [
      attempt("web", "t1", 1, "running", "running"),
      { ...attempt("web", "t2", 1, "shutdown", "shutdown"), slot: 2 },
    ];
    const rows = psRows("p", [service("web")], tasks, [containerOf("web", "t1", "running")], true);
    expect(rows.map((r) => r.Name)).toEqual(["p-web-1"]);
  });
});
