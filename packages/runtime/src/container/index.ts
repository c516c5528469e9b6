export * from "./types.js";
export { ContainerManager } from "./manager.js";
export { isUp } from "./table.js";
export { bundleLayout } from "./bundle.js";
export type { BundleLayout } from "./bundle.js";
export type { ContainerEvent, ContainerHooks, ContainerManagerOptions } from "./manager.js";
export type { ImageProvider } from "./prepare.js";
export type { ContainerRuntime, ExecResult, StartOptions } from "./runtime.js";
export { generateOciSpec, processArgs, processEnv, DEFAULT_CAPABILITIES } from "./spec.js";
export { parseRestartPolicy, shouldRestart, restartDelay } from "./restart.js";
export { readLogs, parseK8sLog } from "./logs.js";
export type { LogEntry, LogReadOptions } from "./logs.js";
export { Runc } from "./runc.js";
export { resolveUser } from "./users.js";
export type { FsChange } from "./inspect-fs.js";
export { CHANGE_ADDED, CHANGE_DELETED, CHANGE_MODIFIED } from "./inspect-fs.js";
export type { ContainerStats } from "./stats.js";
export type { ProcessTable } from "./top.js";
export type { VolumeProvider } from "./volumes.js";
export { ANONYMOUS_VOLUME_LABEL } from "./volumes.js";
export {
  ATTACH_STDERR,
  ATTACH_STDOUT,
  connectAttach,
  parseAttachPacket,
  resizeTerminal,
  stdinPackets,
} from "./attach.js";
export type { AttachConnection, AttachHandlers, AttachStream } from "./attach.js";
export { conmonStdioArgs } from "./conmon.js";
export { collectExec, ExecProcess, resizeExecTerminal } from "./exec.js";
export type { ExecOptions } from "./exec.js";
