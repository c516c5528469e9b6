import type { TOptional, TProperties, TSchema } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";

/** The `^x-` extension keys every compose object accepts. */
export const EXTENSIONS = { "^x-": {} };
/** Resource names (services, networks, volumes …). */
export const NAME_PATTERN = "^[a-zA-Z0-9._-]+$";

type Optionalized<P extends TProperties> = { [K in keyof P]: TOptional<P[K]> };

function optional<P extends TProperties>(props: P): Optionalized<P> {
  const out: Record<string, TSchema> = {};
  for (const [k, v] of Object.entries(props)) out[k] = T.Optional(v);
  return out as Optionalized<P>;
}

/**
 * A closed compose object: every listed key optional unless named in `required`, no other keys but
 * `x-*` extensions (as the compose-spec's objects are).
 */
export function ComposeObject<P extends TProperties>(
  props: P,
  required: (keyof P)[] = [],
  extensions = true,
) {
  const out: Record<string, TSchema> = {};
  for (const [k, v] of Object.entries(props)) out[k] = required.includes(k) ? v : T.Optional(v);
  return T.Object(out as Optionalized<P>, {
    additionalProperties: false,
    ...(extensions ? { patternProperties: EXTENSIONS } : {}),
  });
}

/** An open object: listed keys typed, anything else allowed. */
export function OpenObject<P extends TProperties>(props: P) {
  return T.Object(optional(props), { additionalProperties: true });
}

/** A map from names matching `pattern` to `value`, closed to anything else. */
export function NameMap<V extends TSchema>(value: V, pattern = NAME_PATTERN, closed = true) {
  return T.Record(T.String({ pattern }), value, closed ? { additionalProperties: false } : {});
}

/** string | number, as interpolated numeric fields are written. */
export const StringOrNumber = T.Union([T.Number(), T.String()]);
/** integer | string. */
export const StringOrInteger = T.Union([T.Integer(), T.String()]);
/** boolean | string ("true" after interpolation). */
export const BoolOrString = T.Union([T.Boolean(), T.String()]);

/** A list of unique strings. */
export const ListOfStrings = T.Array(T.String(), { uniqueItems: true });
/** A string or a list of unique strings. */
export const StringOrList = T.Union([T.String(), ListOfStrings]);
/** `environment`, `labels` …: a map of scalars or a list of `KEY=VALUE` strings. */
export const ListOrDict = T.Union([
  T.Record(T.String({ pattern: ".+" }), T.Union([T.String(), T.Number(), T.Boolean(), T.Null()]), {
    additionalProperties: false,
  }),
  ListOfStrings,
]);
/** `extra_hosts`: `{host: ip | [ip…]}` or `["host:ip", …]`. */
export const ExtraHosts = T.Union([
  T.Record(T.String({ pattern: ".+" }), T.Union([T.String(), T.Array(T.String())]), {
    additionalProperties: false,
  }),
  ListOfStrings,
]);
/** `command` / `entrypoint`: null, a shell string or an exec list. */
export const Command = T.Union([T.Null(), T.String(), T.Array(T.String())]);
/** `driver_opts`: option values are strings or numbers. */
export const DriverOpts = T.Record(T.String({ pattern: "^.+$" }), T.Union([T.String(), T.Number()]));
/** `external:` on a top-level resource. */
export const External = (closed: boolean) =>
  T.Union([
    T.Boolean(),
    T.String(),
    closed ? ComposeObject({ name: T.String() }) : OpenObject({ name: T.String() }),
  ]);
/** `ulimits`: `{nofile: 1024}` or `{nofile: {soft, hard}}`. */
export const Ulimits = T.Record(
  T.String({ pattern: "^[a-z]+$" }),
  T.Union([
    StringOrInteger,
    ComposeObject({ hard: StringOrInteger, soft: StringOrInteger }, ["soft", "hard"]),
  ]),
);
/** A service's `secrets` / `configs` entry: a name or `{source, target, uid, gid, mode}`. */
export const ServiceFileRefs = T.Array(
  T.Union([
    T.String(),
    ComposeObject({
      source: T.String(),
      target: T.String(),
      uid: T.String(),
      gid: T.String(),
      mode: StringOrNumber,
    }),
  ]),
);
/** Device requests shared by `deploy.resources.reservations.devices` and `gpus`. */
export const deviceRequestProps = {
  capabilities: ListOfStrings,
  count: T.Union([T.String(), T.Integer()]),
  device_ids: ListOfStrings,
  driver: T.String(),
  options: ListOrDict,
};
