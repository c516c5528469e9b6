import { join } from "node:path";
import protobuf from "protobufjs";

/** The .proto files of tscd's API, relative to the proto root. */
export const API_PROTO_FILES = [
  "containers",
  "images",
  "networks",
  "volumes",
  "system",
  "dispatcher",
  "stacks",
].map((f) => `tsc/v1/${f}.proto`);

/**
 * Parses the API's .proto files under `protoRoot` into protobufjs's JSON descriptor, with field
 * names in camelCase as the API's handlers and clients see them. Build-time only (the generator
 * and the test that the committed descriptor matches the .proto files); the product loads the
 * generated descriptor and never parses .proto text.
 */
export function describeProtos(protoRoot: string): protobuf.INamespace {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync(API_PROTO_FILES, { keepCase: false });
  root.resolveAll();
  return root.toJSON({ keepComments: false });
}
