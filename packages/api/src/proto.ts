import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { API_DESCRIPTOR } from "./generated/descriptor.js";
import { CONVERSION } from "./service-definitions.js";

/** The repository's proto/ directory, where the API is defined (src/ and dist/ are one level under the package). */
export const PROTO_ROOT = fileURLToPath(new URL("../../../proto", import.meta.url));

/** The services of tscd's API, as their proto names. */
export const SERVICE_NAMES = [
  "Containers",
  "Images",
  "Networks",
  "Volumes",
  "System",
  "Dispatcher",
  "Stacks",
] as const;
/** One of tscd's services. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

let cached: Record<ServiceName, grpc.ServiceClientConstructor> | undefined;

/**
 * Loads the API's services once, from the descriptor generated from proto/tsc/v1/*.proto (no
 * .proto parsing at start-up). Field names are camelCase, 64-bit integers JS numbers, and absent
 * fields their defaults, so handlers and clients see plain objects.
 */
export function loadServices(): Record<ServiceName, grpc.ServiceClientConstructor> {
  if (cached) return cached;
  const def = protoLoader.fromJSON(API_DESCRIPTOR as Parameters<typeof protoLoader.fromJSON>[0], {
    ...CONVERSION,
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { tsc: { v1: Record<string, unknown> } };
  const out = {} as Record<ServiceName, grpc.ServiceClientConstructor>;
  for (const name of SERVICE_NAMES) out[name] = pkg.tsc.v1[name] as grpc.ServiceClientConstructor;
  cached = out;
  return out;
}
