import { constants } from "node:os";
import { invalidArgument } from "@tsc/core";

const BY_NUMBER = new Map(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals] as const),
);

/** The name of signal number `n` (`9` → `SIGKILL`), or null for a number Linux does not use. */
export function signalName(n: number): NodeJS.Signals | null {
  return BY_NUMBER.get(n) ?? null;
}

/**
 * A signal as Docker accepts it (`KILL`, `SIGKILL`, `sigterm`, `9`), in its canonical `SIGKILL`
 * form; anything else is an InvalidArgument error naming it (Docker's "invalid signal: X").
 */
export function parseSignal(text: string): string {
  const name = text.trim().toUpperCase().replace(/^SIG/, "");
  if (/^\d+$/.test(name)) {
    const known = BY_NUMBER.get(Number(name));
    if (known) return known;
  } else if (`SIG${name}` in constants.signals) return `SIG${name}`;
  throw invalidArgument(`invalid signal: ${text}`, {
    hint: "use a name such as SIGTERM or KILL, or a number such as 9",
  });
}
