import * as grpc from "@grpc/grpc-js";
import type { ErrorKind } from "@tsc/core";
import { isTscError, TscError } from "@tsc/core";

const TO_CODE: Record<ErrorKind, grpc.status> = {
  NotFound: grpc.status.NOT_FOUND,
  AlreadyExists: grpc.status.ALREADY_EXISTS,
  InvalidArgument: grpc.status.INVALID_ARGUMENT,
  FailedPrecondition: grpc.status.FAILED_PRECONDITION,
  Unavailable: grpc.status.UNAVAILABLE,
  Conflict: grpc.status.ABORTED,
  PermissionDenied: grpc.status.PERMISSION_DENIED,
  Internal: grpc.status.INTERNAL,
};

const FROM_CODE = new Map<grpc.status, ErrorKind>(
  Object.entries(TO_CODE).map(([k, v]) => [v, k as ErrorKind] as const),
);

/** The one place errors become gRPC statuses: the category's code, the message, and the hint. */
export function toServiceError(err: unknown): Partial<grpc.ServiceError> {
  const metadata = new grpc.Metadata();
  if (isTscError(err)) {
    metadata.set("tsc-error-kind", err.kind);
    if (err.hint) metadata.set("tsc-error-hint", err.hint);
    const suffix = err.hint ? `: ${err.hint}` : "";
    const details =
      suffix && err.message.endsWith(suffix) ? err.message.slice(0, -suffix.length) : err.message;
    return { code: TO_CODE[err.kind], details, metadata };
  }
  const message = err instanceof Error ? err.message : String(err);
  metadata.set("tsc-error-kind", "Internal");
  return { code: grpc.status.INTERNAL, details: message, metadata };
}

/** The reverse, on the client: a TscError of the same category (cause = the gRPC error). */
export function fromServiceError(err: unknown): TscError {
  if (isTscError(err)) return err;
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code !== "number") return new TscError("Internal", String((err as Error)?.message ?? err));
  const kindText = e.metadata?.get("tsc-error-kind")[0];
  const kind =
    typeof kindText === "string" && kindText in TO_CODE
      ? (kindText as ErrorKind)
      : (FROM_CODE.get(e.code) ?? (e.code === grpc.status.UNAVAILABLE ? "Unavailable" : "Internal"));
  const hint = e.metadata?.get("tsc-error-hint")[0];
  return new TscError(kind, e.details || e.message || "request failed", {
    hint: typeof hint === "string" ? hint : undefined,
    cause: err,
  });
}
