import type { ServiceDefinition } from "@grpc/grpc-js";
import protobuf from "protobufjs/light.js";
import { API_DESCRIPTOR } from "./generated/descriptor.js";
import type { ServiceName } from "./proto.js";

/** How replies become plain objects: the options loadServices gives @grpc/proto-loader. */
export const CONVERSION = { longs: Number, enums: String, defaults: true, oneofs: true } as const;

const definitions = new Map<ServiceName, ServiceDefinition>();

interface DescriptorJson {
  methods?: Record<
    string,
    { requestType: string; responseType: string; requestStream?: boolean; responseStream?: boolean }
  >;
  fields?: Record<string, { type: string }>;
}

const MESSAGES = (
  API_DESCRIPTOR as { nested: { tsc: { nested: { v1: { nested: Record<string, DescriptorJson> } } } } }
).nested.tsc.nested.v1.nested;

const codecs = new Map<string, protobuf.Type>();

/**
 * The protobufjs type of one message, built on first use from the descriptor cut down to it and
 * the messages it reaches: protobufjs builds (and generates code for) every message of a root, and
 * a CLI command encodes one request and decodes one reply.
 */
function codec(name: string): protobuf.Type {
  let type = codecs.get(name);
  if (type) return type;
  const nested: Record<string, DescriptorJson> = {};
  const pending = [name];
  for (let t = pending.pop(); t !== undefined; t = pending.pop()) {
    const msg = MESSAGES[t];
    if (nested[t] || !msg) continue;
    nested[t] = msg;
    pending.push(...Object.values(msg.fields ?? {}).map((f) => f.type));
  }
  type = protobuf.Root.fromJSON({
    nested: { tsc: { nested: { v1: { nested } } } },
  } as protobuf.INamespace).lookupType(`tsc.v1.${name}`);
  codecs.set(name, type);
  return type;
}

/**
 * One service's gRPC definition, read from the generated descriptor: what @grpc/proto-loader gives
 * for it (same paths, stream flags, method names and message conversion;
 * service-definitions.test.ts compares them), with each message's codec built on its first use
 * instead of the file descriptors of every message that proto-loader makes for reflection. CLIs
 * use it, as they call one or two methods and start once per command; tscd serves through
 * proto-loader's (loadServices).
 */
export function serviceDefinition(name: ServiceName): ServiceDefinition {
  const known = definitions.get(name);
  if (known) return known;
  const def: Record<string, ServiceDefinition[string]> = {};
  for (const [method, m] of Object.entries(MESSAGES[name]!.methods ?? {})) {
    const req = m.requestType;
    const res = m.responseType;
    def[method] = {
      path: `/tsc.v1.${name}/${method}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: (o: object) => Buffer.from(codec(req).encode(codec(req).fromObject(o)).finish()),
      requestDeserialize: (b: Buffer) => codec(req).toObject(codec(req).decode(b), CONVERSION),
      responseSerialize: (o: object) => Buffer.from(codec(res).encode(codec(res).fromObject(o)).finish()),
      responseDeserialize: (b: Buffer) => codec(res).toObject(codec(res).decode(b), CONVERSION),
      originalName: method.charAt(0).toLowerCase() + method.slice(1),
    };
  }
  definitions.set(name, def);
  return def;
}
