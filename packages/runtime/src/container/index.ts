export * from "./types.js";
export { ContainerManager } from "./manager.js";
export type { ContainerEvent, ContainerManagerOptions, ExecResult, ImageProvider } from "./manager.js";
export { generateOciSpec, processArgs, processEnv, DEFAULT_CAPABILITIES } from "./spec.js";
export { parseRestartPolicy, shouldRestart, restartDelay } from "./restart.js";
export { readLogs, parseK8sLog } from "./logs.js";
export type { LogEntry, LogReadOptions } from "./logs.js";
export { Runc } from "./runc.js";
export { resolveUser } from "./users.js";
