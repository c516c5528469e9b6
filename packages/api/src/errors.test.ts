import * as grpc from "@grpc/grpc-js";
import { notFound, TscError } from "@tsc/core";
import { describe, expect, it } from "vitest";
import { fromServiceError, toServiceError } from "./errors.js";

describe("error mapping", () => {
  it("maps every category to its gRPC code and back, keeping the hint once", () => {
    const cases = [
      ["NotFound", grpc.status.NOT_FOUND],
      ["AlreadyExists", grpc.status.ALREADY_EXISTS],
      ["InvalidArgument", grpc.status.INVALID_ARGUMENT],
      ["FailedPrecondition", grpc.status.FAILED_PRECONDITION],
      ["Unavailable", grpc.status.UNAVAILABLE],
      ["PermissionDenied", grpc.status.PERMISSION_DENIED],
    ] as const;
    for (const [kind, code] of cases) {
      const status = toServiceError(new TscError(kind, `thing "x" broke`, { hint: "do y" }));
      expect(status.code).toBe(code);
      expect(status.details).toBe(`thing "x" broke`);
      const back = fromServiceError({ ...status, message: "ignored" });
      expect(back.kind).toBe(kind);
      expect(back.message).toBe(`thing "x" broke: do y`);
      expect(back.hint).toBe("do y");
    }
  });

  it("treats unknown errors as Internal and keeps the gRPC error as cause", () => {
    const status = toServiceError(new Error("boom"));
    expect(status.code).toBe(grpc.status.INTERNAL);
    const back = fromServiceError(status);
    expect(back.kind).toBe("Internal");
    expect(back.message).toBe("boom");
    expect(back.cause).toBe(status);
  });

  it("recovers the category from the code when the metadata is missing", () => {
    const back = fromServiceError({ code: grpc.status.NOT_FOUND, details: 'container "a" not found' });
    expect(back.kind).toBe("NotFound");
    expect(fromServiceError(notFound("container", "a"))).toBeInstanceOf(TscError);
  });
});
