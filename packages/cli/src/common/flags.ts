// Flag values as Docker's CLI (pflag) parses and refuses them.
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { parseTimeArg } from "@tsc/api";
import { invalidArgument } from "@tsc/core";
import { ExitError } from "./run-cli.js";

/**
 * A commander argument parser made of `parse`: whatever `parse` throws becomes commander's
 * invalid-argument error, so a bad value is a usage error (exit 125, the command's help hint,
 * Docker's wording through `dockerFlagError`), never an internal error.
 */
export function flagParser<T>(parse: (text: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
  };
}

/** Like `flagParser`, but keeps the text: for flags whose value is checked now and used later. */
export function flagCheck(check: (text: string) => unknown): (value: string) => string {
  return flagParser((text) => {
    check(text);
    return text;
  });
}

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw invalidArgument(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
}

/** Go's strconv.ParseInt(text, 10, 64) (the value of an int flag). */
export function parseGoInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text))
    throw invalidArgument(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

/** Docker's `--cpus` (opts.NanoCPUs): a decimal number of CPUs, `1.5`. */
export function parseCpus(text: string): number {
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text))
    throw invalidArgument(`failed to parse ${text} as a rational number`);
  return Number(text);
}

/**
 * A boolean flag that defaults to true and takes `=false` as pflag's do (`-H=false`,
 * `--human=false`): commander sees an optional value, `-H=false` arrives as "=false".
 */
export function boolFlagValue(value: string | boolean | undefined): boolean {
  if (value === undefined || typeof value === "boolean") return value ?? true;
  return parseGoBool(value.replace(/^=/, ""));
}

const INVALID_OPTION = /^error: option '(.+?)(?: [<[][^'>\]]*[>\]])?' argument '(.*)' is invalid\. ([^]*)$/;

/**
 * Commander's message for a value a parser refused, in pflag's words:
 * `invalid argument "x" for "-m, --memory" flag: invalid size: 'x'`. Other messages are kept.
 */
export function dockerFlagError(message: string): string {
  const m = INVALID_OPTION.exec(message);
  return m ? `invalid argument ${JSON.stringify(m[2])} for "${m[1]}" flag: ${m[3]}` : message;
}

/** The words Docker's hint uses for a command: `tscctl volume ls` (aliases give their command's name). */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/**
 * A `--since`/`--until` value as the ISO time the API takes ("" for none). A value that is neither
 * a time nor a duration ends the command as Docker's client does: exit 1,
 * `invalid value for "since": failed to parse value as time or duration: "bogus"`.
 */
export function timeFlagValue(name: string, text: string | undefined, now = Date.now()): string {
  if (!text) return "";
  try {
    return new Date(parseTimeArg(text, now)).toISOString();
  } catch {
    throw new ExitError(
      1,
      `invalid value for ${JSON.stringify(name)}: failed to parse value as time or duration: ${JSON.stringify(text)}`,
    );
  }
}
