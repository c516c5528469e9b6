/** Stored services, tasks and containers of a project "p" for tests of the engine commands. */
import type { ContainerSummary } from "@tsc/api";
import type { Project, ServiceConfig } from "@tsc/compose";
import type { ServiceView, Task, TaskState } from "@tsc/manager";
import { toServiceSpec } from "../../convert/service.js";

const project: Project = { name: "p", services: {} };
const now = new Date().toISOString();

/** Service `name` of project p as views show it, from its compose configuration (tasks' hash "h"). */
export function service(
  name: string,
  svc: ServiceConfig = { image: "busybox" },
  stopped = false,
): ServiceView {
  const spec = { ...toServiceSpec(project, name, svc).spec, name };
  return {
    project: "p",
    spec,
    version: 1,
    ...(stopped ? { stopped } : {}),
    createdAt: now,
    updatedAt: now,
    taskHash: "h",
  };
}

/** A slot-1 task of `svc` in `state`. */
export function task(
  svc: string,
  state: TaskState,
  desired: Task["desiredState"] = "running",
  extra: Partial<Task["status"]> = {},
): Task {
  return {
    id: `${svc}-${state}-${desired}`,
    project: "p",
    service: svc,
    slot: 1,
    configHash: "h",
    desiredState: desired,
    status: { state, timestamp: now, message: "", ...extra },
    addresses: {},
    createdAt: now,
  };
}

/** A container of `svc` as the Containers list reports it (a one-off with `oneoff`). */
export function container(name: string, svc: string, state: string, oneoff: boolean): ContainerSummary {
  return {
    id: `${name}-id`,
    names: [`/${name}`],
    image: "busybox",
    imageId: "",
    command: [],
    created: now,
    state,
    startedAt: "",
    finishedAt: "",
    exitCode: 0,
    health: "",
    ports: [],
    labels: {
      "com.docker.compose.project": "p",
      "com.docker.compose.service": svc,
      "com.docker.compose.oneoff": oneoff ? "True" : "False",
    },
    sizeRw: 0,
    networks: [],
    restartCount: 0,
    sizeRootFs: 0,
    mounts: [],
  };
}
