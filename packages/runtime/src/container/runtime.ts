import type { EventEmitter } from "node:events";
import type { LogEntry, LogReadOptions } from "./logs.js";
import type { ContainerRecord, ContainerSpec } from "./types.js";

/** What `exec` produced. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Options of `start`. */
export interface StartOptions {
  /**
   * Runs once the container exists (its PID is known) but before its process runs; a rejection
   * fails the start and undoes it. Used to attach networks while the runtime creates the container.
   */
  beforeStart?: () => Promise<void>;
}

/**
 * The container lifecycle as the rest of tsc uses it (the agent, the daemon). `ContainerManager`
 * implements it with conmon + runc; `FakeContainerRuntime` implements it in memory for unit tests.
 * Both pass the same conformance suite (packages/runtime/test/container-suite.test.ts).
 * Containers are found by ID, unique ID prefix or name; errors are `@tsc/core` categories.
 */
export interface ContainerRuntime extends EventEmitter {
  create(spec: ContainerSpec): Promise<ContainerRecord>;
  start(ref: string, opts?: StartOptions): Promise<ContainerRecord>;
  stop(ref: string, opts?: { timeout?: number }): Promise<ContainerRecord>;
  kill(ref: string, signal?: string): Promise<void>;
  wait(ref: string): Promise<number>;
  /** `volumes` also removes the container's anonymous volumes (`rm -v`). */
  remove(ref: string, opts?: { force?: boolean; volumes?: boolean }): Promise<void>;
  get(ref: string): ContainerRecord;
  /**
   * `name` as `create` would store it (without a leading "/"), or the InvalidArgument or
   * AlreadyExists error `create` would fail with: lets a caller refuse a name before its own work.
   */
  checkName(name: string): string;
  list(opts?: { all?: boolean }): ContainerRecord[];
  logs(ref: string, opts?: LogReadOptions): AsyncGenerator<LogEntry>;
  exec(
    ref: string,
    opts: { args: string[]; env?: string[]; cwd?: string; user?: string; stdin?: string | Buffer },
  ): Promise<ExecResult>;
  /** Stops watching; containers keep running (for the real runtime, under conmon). */
  close(): void;
}
