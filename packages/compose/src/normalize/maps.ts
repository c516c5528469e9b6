import type { JsonPath } from "../json-path.js";
import { at, invalid, isData, quote, scalarText } from "./values.js";

/** Looks a variable up in the project environment. */
export type Lookup = (name: string) => string | undefined;

/**
 * `environment`-style mappings: `["A=B", "C"]` or `{A: "B", C: null}`. A variable named without a
 * value takes `lookup`'s value; when there is none it stays `null` (`keepUnresolved`) or is left
 * out (build args). Scalars become strings.
 */
export function mappingWithEquals(
  value: unknown,
  path: JsonPath,
  lookup: Lookup,
  keepUnresolved: boolean,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const unresolved = (name: string): void => {
    const found = lookup(name);
    if (found !== undefined) out[name] = found;
    else if (keepUnresolved) out[name] = null;
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const text = scalarText(item);
      const eq = text.indexOf("=");
      const name = eq === -1 ? text : text.slice(0, eq);
      checkVariableName(name, text, at(path, i));
      if (eq === -1) unresolved(name);
      else out[name] = text.slice(eq + 1);
    });
  } else if (isData(value)) {
    for (const [name, v] of Object.entries(value)) {
      if (v === null || v === undefined) unresolved(name);
      else out[name] = scalarText(v);
    }
  }
  return out;
}

function checkVariableName(name: string, entry: string, path: JsonPath): void {
  if (name === "") invalid(path, `${quote(entry)} has no variable name`, "write NAME=VALUE or NAME");
  if (/\s$/.test(name))
    invalid(path, `variable ${quote(name)} is declared with a trailing space`, 'remove the space before "="');
}

/**
 * Label-style mappings (labels, annotations, sysctls): `["a=b", "c"]` or `{a: "b", c: null}`; a
 * missing value is "" and scalars become strings.
 */
export function labelsMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalarText(item);
      const eq = text.indexOf("=");
      if (eq === -1) out[text] = "";
      else out[text.slice(0, eq)] = text.slice(eq + 1);
    }
  } else if (isData(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = scalarText(v);
  }
  return out;
}

/** Option maps passed through to drivers (driver_opts, logging options …): every value a string. */
export function optionsMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isData(value)) for (const [k, v] of Object.entries(value)) out[k] = scalarText(v);
  return out;
}

/** `["a=b"]` or `{a: b}` where every list item must have a value (build additional_contexts). */
export function keyValueMap(value: unknown, path: JsonPath): Record<string, string> {
  if (!Array.isArray(value)) return optionsMap(value);
  const out: Record<string, string> = {};
  value.forEach((item, i) => {
    const text = scalarText(item);
    const eq = text.indexOf("=");
    if (eq <= 0) invalid(at(path, i), `${quote(text)} is not a KEY=VALUE pair`, "write NAME=VALUE");
    out[text.slice(0, eq)] = text.slice(eq + 1);
  });
  return out;
}

/**
 * `extra_hosts` as `host=ip` strings, one per address, in the order written: list entries may use
 * `=` or the legacy `:` and list several comma-separated addresses; `[::1]` loses its brackets.
 */
export function hostsList(value: unknown, path: JsonPath): string[] {
  const out: string[] = [];
  const add = (host: string, ips: string[], entryPath: JsonPath): void => {
    if (host === "" || /[:=]/.test(host))
      invalid(entryPath, `${quote(host)} is not a valid host name`, "write HOST=IP, e.g. db=10.0.0.2");
    for (const ip of ips) {
      if (ip === "")
        invalid(entryPath, `host ${quote(host)} has no IP address`, "write HOST=IP, e.g. db=10.0.0.2");
      out.push(`${host}=${ip.startsWith("[") && ip.endsWith("]") ? ip.slice(1, -1) : ip}`);
    }
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const text = scalarText(item);
      const sep = text.includes("=") ? text.indexOf("=") : text.indexOf(":");
      if (sep === -1)
        invalid(at(path, i), `${quote(text)} has no IP address`, "write HOST=IP, e.g. db=10.0.0.2");
      add(text.slice(0, sep), text.slice(sep + 1).split(","), at(path, i));
    });
  } else if (isData(value)) {
    for (const [host, ips] of Object.entries(value))
      add(host, Array.isArray(ips) ? ips.map(scalarText) : [scalarText(ips)], at(path, host));
  }
  return out;
}
