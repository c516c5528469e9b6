/**
 * Building blocks shared by the compose schema: closed objects with `x-*` extensions, name maps,
 * the scalar unions interpolated values need, and the compose-spec's small reusable definitions
 * (`list_or_dict`, `string_or_list`, `command`, `ulimits`, `extra_hosts` …).
 */
import type { SchemaOptions, Static, TObject, TOptional, TProperties, TSchema } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";

/** The `^x-` extension keys every compose object accepts. */
export const EXTENSIONS = { "^x-": {} };
/** What a resource name (service, network, volume, secret, config, model) may contain. */
export const NAME_PATTERN = "^[a-zA-Z0-9._-]+$";

/** `props` with every key optional except those named in `R`. */
export type ComposeProperties<P extends TProperties, R extends keyof P> = {
  [K in keyof P]: K extends R ? P[K] : TOptional<P[K]>;
};

/** Options of `ComposeObject`. */
export interface ComposeObjectOptions<R> {
  /** Keys that must be present (all others are optional). */
  required?: readonly R[];
  /** Whether `x-*` keys are allowed besides the listed ones (default true, as in most of the spec). */
  extensions?: boolean;
}

/**
 * A closed compose object: the listed keys (optional unless `required`), no other keys but `x-*`
 * extensions. This is the shape of almost every mapping in the compose-spec.
 */
export function ComposeObject<P extends TProperties, R extends keyof P = never>(
  props: P,
  options: ComposeObjectOptions<R> = {},
): TObject<ComposeProperties<P, R>> {
  const required = new Set<keyof P>(options.required ?? []);
  const out: Record<string, TSchema> = {};
  for (const [key, schema] of Object.entries(props)) out[key] = required.has(key) ? schema : T.Optional(schema);
  const closed: SchemaOptions = { additionalProperties: false };
  if (options.extensions !== false) closed.patternProperties = EXTENSIONS;
  return T.Object(out as ComposeProperties<P, R>, closed);
}

/** An open object: the listed keys are typed and optional, any other key is allowed. */
export function OpenObject<P extends TProperties>(props: P): TObject<ComposeProperties<P, never>> {
  const out: Record<string, TSchema> = {};
  for (const [key, schema] of Object.entries(props)) out[key] = T.Optional(schema);
  return T.Object(out as ComposeProperties<P, never>);
}

/**
 * A map from names to `value`. Closed maps reject keys that do not match `pattern` (services,
 * volumes …); open ones let such keys through unchecked, as the spec does for `networks`/`models`.
 */
export function NameMap<V extends TSchema>(value: V, options: { pattern?: string; closed?: boolean } = {}) {
  const keys = T.String({ pattern: options.pattern ?? NAME_PATTERN });
  return T.Record(keys, value, options.closed === false ? {} : { additionalProperties: false });
}

/** A string restricted to `values`, emitted as one JSON-schema `enum` (one error, all choices). */
export function StringEnum<const V extends readonly string[]>(values: V) {
  return T.Unsafe<V[number]>({ type: "string", enum: [...values] });
}

/** `value` or null: sections such as `networks: {front: }` may be left empty. */
export function Nullable<S extends TSchema>(schema: S) {
  return T.Union([schema, T.Null()]);
}

/** A number or a string (interpolated numeric fields arrive as strings). */
export const StringOrNumber = T.Union([T.Number(), T.String()]);
/** An integer or a string. */
export const StringOrInteger = T.Union([T.Integer(), T.String()]);
/** A boolean or a string (`"true"` after interpolation). */
export const BoolOrString = T.Union([T.Boolean(), T.String()]);
/** A scalar map value: string, number, boolean or null. */
export const Scalar = T.Union([T.String(), T.Number(), T.Boolean(), T.Null()]);

/** `list_of_strings`: a list of unique strings. */
export const ListOfStrings = T.Array(T.String(), { uniqueItems: true });
/** `string_or_list`: one string or a list of unique strings. */
export const StringOrList = T.Union([T.String(), ListOfStrings]);
/** A list of strings where repeats are allowed (`cache_from`, `tags`, `constraints` …). */
export const Strings = T.Array(T.String());

/** `list_or_dict` (`environment`, `labels` …): `{KEY: scalar}` or a list of unique `KEY=VALUE`. */
export const ListOrDict = T.Union([
  T.Record(T.String({ pattern: ".+" }), Scalar, { additionalProperties: false }),
  ListOfStrings,
]);

/** `extra_hosts`: `{host: ip | [ip…]}` or a list of unique `host:ip` / `host=ip`. */
export const ExtraHosts = T.Union([
  T.Record(T.String({ pattern: ".+" }), T.Union([T.String(), Strings]), { additionalProperties: false }),
  ListOfStrings,
]);

/** `command` / `entrypoint`: null (reset), a shell string or an exec list. */
export const Command = T.Union([T.Null(), T.String(), Strings]);

/** `driver_opts`: option values are strings or numbers. */
export const DriverOpts = T.Record(T.String({ pattern: "^.+$" }), StringOrNumber);

/** `ulimits`: `{nofile: 1024}` or `{nofile: {soft, hard}}`. */
export const Ulimits = T.Record(
  T.String({ pattern: "^[a-z]+$" }),
  T.Union([
    StringOrInteger,
    ComposeObject({ hard: StringOrInteger, soft: StringOrInteger }, { required: ["soft", "hard"] }),
  ]),
);

/**
 * `external:` on a top-level resource: a flag or `{name}` (deprecated). Networks and volumes close
 * the object (`closed`), secrets and configs leave it open, as the spec does.
 */
export function External(closed: boolean) {
  const named = { name: T.String() };
  return T.Union([T.Boolean(), T.String(), closed ? ComposeObject(named) : OpenObject(named)]);
}

/** `list_or_dict` as written. */
export type ListOrDictInput = Static<typeof ListOrDict>;
/** `command` / `entrypoint` as written. */
export type CommandInput = Static<typeof Command>;
/** `extra_hosts` as written. */
export type ExtraHostsInput = Static<typeof ExtraHosts>;
/** `ulimits` as written. */
export type UlimitsInput = Static<typeof Ulimits>;
