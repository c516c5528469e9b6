import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { SourceLocation } from "./errors.js";
import { ComposeError } from "./errors.js";
import { validate as generatedValidate } from "./generated/compose-validator.js";
import type { JsonPath } from "./json-path.js";
import { NAME_PATTERN } from "./schema/common.js";
import { ComposeFileSchema } from "./schema/index.js";
import { closestMatch } from "./suggest.js";

const NAME_KEY = NAME_PATTERN;

/** The compose JSON schema (draft 2020-12) as a plain object, for tools and editors. */
export function composeJsonSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(ComposeFileSchema)) as Record<string, unknown>;
}

/** ajv's validator for the schema, generated ahead of time (validator-source.ts; AJV_OPTIONS). */
const validator = generatedValidate as unknown as ValidateFunction;

/**
 * Validates one compose document (interpolated, merge tags stripped) against the schema. Throws an
 * E_SCHEMA ComposeError for the most useful of the schema's complaints, located with `locate`: an
 * unknown key names the nearest valid one, a wrong type says what was expected and what was found.
 */
export function validateComposeData(
  data: unknown,
  locate?: (path: JsonPath) => SourceLocation | undefined,
): void {
  const validate = validator;
  if (validate(data)) return;
  const best = pickError(validate.errors ?? [], data);
  if (!best) return;
  const { path, detail, hint } = explain(best, validate.errors ?? [], data);
  throw new ComposeError({ code: "E_SCHEMA", path, detail, hint, location: locate?.(path) });
}

const RANK: Record<string, number> = {
  additionalProperties: 0,
  required: 1,
  propertyNames: 1,
  enum: 2,
  const: 2,
  pattern: 3,
  minimum: 4,
  maximum: 4,
  uniqueItems: 4,
  type: 5,
  anyOf: 6,
  oneOf: 6,
};

/** The deepest, most specific error; a union's branch errors lose to the branch that fits the value's type. */
function pickError(errors: ErrorObject[], data: unknown): ErrorObject | undefined {
  const useful = errors.filter((e) => !(e.keyword === "type" && branchFitsType(e, errors, data)));
  const pool = useful.length > 0 ? useful : errors;
  return [...pool].sort((a, b) => depth(b) - depth(a) || (RANK[a.keyword] ?? 5) - (RANK[b.keyword] ?? 5))[0];
}

/** A `type` error is noise when another error at the same value comes from a branch of the right type. */
function branchFitsType(e: ErrorObject, errors: ErrorObject[], _data: unknown): boolean {
  return errors.some(
    (o) =>
      o !== e &&
      o.keyword !== "type" &&
      o.keyword !== "anyOf" &&
      o.keyword !== "oneOf" &&
      (o.instancePath === e.instancePath
        ? o.keyword !== "const" && o.keyword !== "enum"
        : o.instancePath.startsWith(`${e.instancePath}/`)),
  );
}

function depth(e: ErrorObject): number {
  const d = e.instancePath === "" ? 0 : e.instancePath.split("/").length - 1;
  return e.keyword === "additionalProperties" || e.keyword === "required" ? d + 1 : d;
}

function explain(
  e: ErrorObject,
  all: ErrorObject[],
  data: unknown,
): { path: JsonPath; detail: string; hint?: string } {
  const path = toPath(e.instancePath, data);
  const value = valueAt(data, path);
  switch (e.keyword) {
    case "additionalProperties": {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const parent = e.parentSchema as { properties?: object; patternProperties?: object } | undefined;
      const known = Object.keys(parent?.properties ?? {});
      if (known.length === 0 && parent?.patternProperties && NAME_KEY in parent.patternProperties)
        return {
          path: [...path, key],
          detail: `${JSON.stringify(key)} is not a valid name`,
          hint: 'names may contain only letters, digits, ".", "_" and "-"',
        };
      const guess = closestMatch(key, known);
      const where = path.length === 0 ? "at the top level" : "here";
      return {
        path: [...path, key],
        detail: `additional property ${JSON.stringify(key)} is not allowed ${where}`,
        hint: guess
          ? `did you mean ${JSON.stringify(guess)}?`
          : known.length > 0
            ? `valid keys: ${known.slice(0, 12).join(", ")}${known.length > 12 ? ", …" : ""}; custom keys must start with x-`
            : "custom keys must start with x-",
      };
    }
    case "required": {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return { path, detail: `${JSON.stringify(missing)} is required`, hint: `add ${missing}: …` };
    }
    case "enum":
    case "const": {
      const allowed = all
        .filter((o) => o.instancePath === e.instancePath && (o.keyword === "const" || o.keyword === "enum"))
        .flatMap((o) =>
          o.keyword === "const"
            ? [(o.params as { allowedValue: unknown }).allowedValue]
            : (o.params as { allowedValues: unknown[] }).allowedValues,
        );
      return {
        path,
        detail: `${JSON.stringify(value)} is not a valid value`,
        hint: `use one of: ${[...new Set(allowed)].map((v) => JSON.stringify(v)).join(", ")}`,
      };
    }
    case "type":
    case "anyOf":
    case "oneOf": {
      const types = new Set(
        all
          .filter((o) => o.instancePath === e.instancePath && o.keyword === "type")
          .flatMap((o) => String((o.params as { type: string }).type).split(",")),
      );
      const expected = [...types].map(describeType);
      return {
        path,
        detail:
          expected.length > 0
            ? `must be ${joinOr(expected)}, got ${describeValue(value)}`
            : `${describeValue(value)} is not valid here`,
      };
    }
    case "pattern":
      return {
        path,
        detail: `${JSON.stringify(value)} does not match the pattern ${(e.params as { pattern: string }).pattern}`,
      };
    case "minimum":
    case "maximum": {
      const limit = (e.params as { limit: number }).limit;
      return {
        path,
        detail: `must be ${e.keyword === "minimum" ? "at least" : "at most"} ${limit}, got ${JSON.stringify(value)}`,
      };
    }
    case "uniqueItems":
      return { path, detail: "must not contain duplicate items", hint: "remove the repeated entry" };
    default:
      return { path, detail: e.message ?? "is not valid" };
  }
}

/** JSON pointer → path segments; numeric segments under arrays become numbers. */
function toPath(pointer: string, data: unknown): JsonPath {
  const out: (string | number)[] = [];
  let node = data;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key = Array.isArray(node) ? Number(seg) : seg;
    out.push(key);
    node =
      node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return out;
}

function valueAt(data: unknown, path: JsonPath): unknown {
  let node = data;
  for (const seg of path)
    node =
      node !== null && typeof node === "object" ? (node as Record<string | number, unknown>)[seg] : undefined;
  return node;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  array: "a list",
  object: "a mapping",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  null: "null",
};

function describeType(t: string): string {
  return TYPE_NAMES[t] ?? t;
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "number") return `number ${v}`;
  if (typeof v === "boolean") return `boolean ${v}`;
  return `string ${JSON.stringify(v)}`;
}

function joinOr(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
