import type { TaskState } from "./objects.js";

/** Task states in the only order they may move through. */
export const TASK_STATES: readonly TaskState[] = [
  "new",
  "pending",
  "assigned",
  "accepted",
  "preparing",
  "starting",
  "running",
  "complete",
  "failed",
  "shutdown",
  "rejected",
  "orphaned",
];

const RANK = new Map(TASK_STATES.map((s, i) => [s, i] as const));

/** Whether a task in this state will never run again. */
export function isTerminal(s: TaskState): boolean {
  return (RANK.get(s) ?? 0) >= (RANK.get("complete") ?? 0);
}

/** Whether moving from `from` to `to` goes forward (terminal states are final). */
export function canMove(from: TaskState, to: TaskState): boolean {
  if (isTerminal(from)) return false;
  return (RANK.get(to) ?? 0) > (RANK.get(from) ?? 0);
}
