/** @tsc/agent: the owner of one host's runtime (containers, images, networks, volumes, DNS). */
export { Agent } from "./agent.js";
export type { AgentOptions, TransferOptions } from "./agent.js";
export { DEFAULT_NETWORK, resolveName } from "./endpoints.js";
export { EventLog, matchesFilters } from "./events.js";
export type { EngineEvent } from "./events.js";
export { HEALTH_DEFAULTS, HealthMonitor } from "./health.js";
export { expandPortSpec } from "./ports.js";
export { mountsOf, portMap } from "./inspect.js";
export type * from "./types.js";
export { Worker } from "./worker.js";
export type * from "./work.js";
export { TASK_LABEL } from "./work.js";
export { DnsServer } from "./dns/server.js";
export type { DnsServerOptions, NameResolver } from "./dns/server.js";
