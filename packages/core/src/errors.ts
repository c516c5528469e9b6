/**
 * Error categories shared by every package, after containerd's errdefs. A category says what the
 * caller can do about the failure; the API layer maps each to one gRPC status code (in one place),
 * and CLIs map them to exit codes. Messages quote IDs: `container "web-1" not found`.
 */
export type ErrorKind =
  | "NotFound"
  | "AlreadyExists"
  | "InvalidArgument"
  | "FailedPrecondition"
  | "Unavailable"
  | "Conflict"
  | "PermissionDenied"
  | "Internal";

/** What a TscError is built from. */
export interface TscErrorInit {
  /** What to do about it, appended to the message: `install it with: apt-get install runc`. */
  hint?: string;
  cause?: unknown;
}

/** An error with a category. `message` already includes the hint, so it can be printed as is. */
export class TscError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;

  constructor(kind: ErrorKind, message: string, init: TscErrorInit = {}) {
    super(
      init.hint ? `${message}: ${init.hint}` : message,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = `${kind}Error`;
    this.kind = kind;
    this.hint = init.hint;
  }
}

/** `notFound("container", "web-1")` → `container "web-1" not found`. */
export function notFound(what: string, id: string, init?: TscErrorInit): TscError {
  return new TscError("NotFound", `${what} ${JSON.stringify(id)} not found`, init);
}

/** `alreadyExists("container name", "web")` → `container name "web" already exists`. */
export function alreadyExists(what: string, id: string, init?: TscErrorInit): TscError {
  return new TscError("AlreadyExists", `${what} ${JSON.stringify(id)} already exists`, init);
}

/** A caller mistake in a request or spec. */
export function invalidArgument(message: string, init?: TscErrorInit): TscError {
  return new TscError("InvalidArgument", message, init);
}

/** The system is not in a state that allows the operation (container running, volume in use …). */
export function failedPrecondition(message: string, init?: TscErrorInit): TscError {
  return new TscError("FailedPrecondition", message, init);
}

/** A dependency is missing or unreachable (runc not installed, registry down, etcd away). */
export function unavailable(message: string, init?: TscErrorInit): TscError {
  return new TscError("Unavailable", message, init);
}

/** True when `e` is a TscError of the given kind (or any kind when none is given). */
export function isTscError(e: unknown, kind?: ErrorKind): e is TscError {
  return e instanceof TscError && (kind === undefined || e.kind === kind);
}

/** The error kind of anything thrown: TscErrors keep theirs, everything else is Internal. */
export function errorKindOf(e: unknown): ErrorKind {
  return e instanceof TscError ? e.kind : "Internal";
}
