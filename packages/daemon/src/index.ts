/** @tsc/daemon: tscd, the engine daemon (agent + API server). */
export { Daemon } from "./daemon.js";
export type { DaemonOptions } from "./daemon.js";
