import type { JsonPath } from "./json-path.js";
import { formatJsonPath } from "./json-path.js";

/** Stable codes for every way a compose project can fail to load. Never renamed once published. */
export type ComposeErrorCode =
  | "E_NO_CONFIG" // no compose file found
  | "E_FILE" // a file could not be read
  | "E_YAML" // YAML syntax error
  | "E_SCHEMA" // the document does not match the compose schema
  | "E_INTERPOLATION" // bad ${...} expression or a required variable is missing
  | "E_ENV_FILE" // a .env / env_file could not be parsed
  | "E_INCLUDE" // include: bad entry, missing file, conflicting resources
  | "E_INCLUDE_CYCLE"
  | "E_EXTENDS" // extends: unknown service or file
  | "E_EXTENDS_CYCLE"
  | "E_MERGE" // override files cannot be merged (type mismatch)
  | "E_INVALID_VALUE" // a value the schema accepts but normalization cannot (ports, volumes, durations, sizes …)
  | "E_UNKNOWN_REFERENCE" // depends_on/links/networks/volumes/secrets/configs naming nothing
  | "E_DEPENDENCY_CYCLE"
  | "E_DUPLICATE_CONTAINER_NAME"
  | "E_PORT_CONFLICT"
  | "E_PROJECT_NAME"
  | "E_PROFILE"
  | "E_NO_SERVICE"; // a service named on the command line does not exist

/** Where in which file something is. Lines and columns are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** What a ComposeError is built from. */
export interface ComposeErrorInit {
  code: ComposeErrorCode;
  /** What is wrong, without location prefix, e.g. `"80:80:80" is not a valid port mapping`. */
  detail: string;
  /** The JSON path inside the document, e.g. ["services", "web", "ports", 0]. */
  path?: JsonPath;
  location?: SourceLocation;
  /** What the user should do, e.g. `expected [HOST:]CONTAINER[/PROTOCOL]` or `did you mean "environment"?`. */
  hint?: string;
  cause?: unknown;
}

/**
 * The one error type the compose package throws for bad input. Its `message` is what a CLI prints:
 * `compose.yaml:12:7: services.web.ports[0]: "80:80:80" is not a valid port mapping (expected …)`.
 * Locations may be attached later by the loader (see `withLocation`), so throwers that only know the
 * JSON path need not know the file.
 */
export class ComposeError extends Error {
  readonly code: ComposeErrorCode;
  readonly detail: string;
  readonly path: JsonPath | undefined;
  readonly location: SourceLocation | undefined;
  readonly hint: string | undefined;

  constructor(init: ComposeErrorInit) {
    super(formatComposeError(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ComposeError";
    this.code = init.code;
    this.detail = init.detail;
    this.path = init.path;
    this.location = init.location;
    this.hint = init.hint;
  }

  /** A copy of this error with a location (and path, if given and this one has none) filled in. */
  withLocation(location: SourceLocation | undefined, path?: JsonPath): ComposeError {
    if (this.location || !location) return this;
    return new ComposeError({
      code: this.code,
      detail: this.detail,
      path: this.path ?? path,
      location,
      hint: this.hint,
      cause: this.cause,
    });
  }

  /** A plain object for `--format json` error output. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      detail: this.detail,
      path: this.path === undefined ? undefined : formatJsonPath(this.path),
      file: this.location?.file,
      line: this.location?.line,
      column: this.location?.column,
      hint: this.hint,
    };
  }
}

/** Formats `file:line:col: path: detail (hint)`; each part is left out when unknown. */
export function formatComposeError(init: ComposeErrorInit): string {
  const parts: string[] = [];
  if (init.location) parts.push(`${init.location.file}:${init.location.line}:${init.location.column}`);
  if (init.path && init.path.length > 0) parts.push(formatJsonPath(init.path));
  parts.push(init.detail);
  const text = parts.join(": ");
  return init.hint ? `${text} (${init.hint})` : text;
}

/** True for errors the compose package raises on bad input (as opposed to bugs). */
export function isComposeError(e: unknown): e is ComposeError {
  return e instanceof ComposeError;
}
