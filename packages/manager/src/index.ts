/** @tsc/manager: the cluster manager (orchestrator, allocator, scheduler, dispatcher) and its objects. */
export type * from "./objects.js";
export { Manager } from "./manager.js";
export type { ManagerOptions } from "./manager.js";
export type { DiscoveryRecords } from "./assignments.js";
export { containerNameOf, discoveryRecords, workItemOf } from "./assignments.js";
export { canMove, isTerminal, TASK_STATES } from "./task-state.js";
export { filterNodes, placementRequest, DEFAULT_FILTERS } from "./filters.js";
export type { Filter, NodeInfo, PlacementRequest } from "./filters.js";
export { HEARTBEAT_MS } from "./dispatcher.js";
export { ClusterState } from "./state.js";
export type { ServiceView, StoredService, StoredStack } from "./state.js";
