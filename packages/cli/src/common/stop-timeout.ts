import { InvalidArgumentError, Option } from "commander";

/** Parses `-t` seconds: a whole number, 0 or more (anything else is a usage error naming the flag). */
export function parseStopTimeout(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("expected a whole number of seconds");
  return Number(value);
}

/** A `-t` option: the seconds a container gets to stop before it is killed. */
export function stopTimeoutOption(
  flags: string,
  description = "seconds to wait before killing the container",
): Option {
  return new Option(flags, description).argParser(parseStopTimeout);
}
