import type { ServiceDefinition } from "@grpc/grpc-js";
import protobuf from "protobufjs/light.js";
import { API_DESCRIPTOR } from "./generated/descriptor.js";
import type { ServiceName } from "./proto.js";

/** How replies become plain objects: the options loadServices gives @grpc/proto-loader. */
export const CONVERSION = { longs: Number, enums: String, defaults: true, oneofs: true } as const;

const definitions = new Map<ServiceName, ServiceDefinition>();

interface DescriptorJson {
  methods?: Record<string, { requestType: string; responseType: string }>;
  fields?: Record<string, { type: string }>;
}

/**
 * The descriptor cut down to one service and the messages it reaches: protobufjs builds a
 * constructor for every message of a root it loads, and a CLI needs a few of the API's.
 */
function descriptorOf(name: ServiceName): protobuf.INamespace {
  const all = (
    API_DESCRIPTOR as { nested: { tsc: { nested: { v1: { nested: Record<string, DescriptorJson> } } } } }
  ).nested.tsc.nested.v1.nested;
  const service = all[name]!;
  const nested: Record<string, DescriptorJson> = { [name]: service };
  const pending = Object.values(service.methods ?? {}).flatMap((m) => [m.requestType, m.responseType]);
  for (let t = pending.pop(); t !== undefined; t = pending.pop()) {
    const type = all[t];
    if (nested[t] || !type) continue;
    nested[t] = type;
    pending.push(...Object.values(type.fields ?? {}).map((f) => f.type));
  }
  return { nested: { tsc: { nested: { v1: { nested } } } } } as protobuf.INamespace;
}

/**
 * One service's gRPC definition, built from the generated descriptor with protobufjs alone: what
 * @grpc/proto-loader gives for it (same paths, stream flags, method names and message conversion;
 * service-definitions.test.ts compares them), without building the file descriptors of every
 * message that proto-loader makes for reflection. CLIs use it, as they call one or two services and
 * start once per command; tscd serves through proto-loader's (loadServices).
 */
export function serviceDefinition(name: ServiceName): ServiceDefinition {
  const known = definitions.get(name);
  if (known) return known;
  const service = protobuf.Root.fromJSON(descriptorOf(name)).lookupService(`tsc.v1.${name}`);
  const def: Record<string, ServiceDefinition[string]> = {};
  for (const m of service.methodsArray) {
    m.resolve();
    const req = m.resolvedRequestType!;
    const res = m.resolvedResponseType!;
    def[m.name] = {
      path: `/tsc.v1.${name}/${m.name}`,
      requestStream: !!m.requestStream,
      responseStream: !!m.responseStream,
      requestSerialize: (o: object) => Buffer.from(req.encode(req.fromObject(o)).finish()),
      requestDeserialize: (b: Buffer) => req.toObject(req.decode(b), CONVERSION),
      responseSerialize: (o: object) => Buffer.from(res.encode(res.fromObject(o)).finish()),
      responseDeserialize: (b: Buffer) => res.toObject(res.decode(b), CONVERSION),
      originalName: m.name.charAt(0).toLowerCase() + m.name.slice(1),
    };
  }
  definitions.set(name, def);
  return def;
}
