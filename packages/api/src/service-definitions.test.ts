import protobuf from "protobufjs/light.js";
import { describe, expect, it } from "vitest";
import { API_DESCRIPTOR } from "./generated/descriptor.js";
import { loadServices, SERVICE_NAMES } from "./proto.js";
import { serviceDefinition } from "./service-definitions.js";

const root = protobuf.Root.fromJSON(API_DESCRIPTOR as protobuf.INamespace);

/** A message of `type` with every field set (nested messages two levels deep, one-ofs on their first member). */
function sample(type: protobuf.Type, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const skip = new Set(type.oneofsArray.flatMap((o) => o.fieldsArray.slice(1).map((f) => f.name)));
  for (const f of type.fieldsArray) {
    if (skip.has(f.name)) continue;
    f.resolve();
    let v: unknown;
    if (f.resolvedType instanceof protobuf.Type) {
      if (depth >= 2) continue;
      v = sample(f.resolvedType, depth + 1);
    } else if (f.resolvedType instanceof protobuf.Enum) v = Object.keys(f.resolvedType.values).at(-1);
    else if (f.type === "string") v = `${f.name}-value`;
    else if (f.type === "bool") v = true;
    else if (f.type === "bytes") v = Buffer.from(f.name);
    else v = f.id + 1;
    if (f.map) out[f.name] = { k1: v };
    else out[f.name] = f.repeated ? [v, v] : v;
  }
  return out;
}

describe("serviceDefinition (the CLIs' light client definitions)", () => {
  it.each(SERVICE_NAMES)("matches @grpc/proto-loader's definition of %s, method by method", (name) => {
    const light = serviceDefinition(name);
    const full = loadServices()[name].service;
    expect(Object.keys(light).sort()).toEqual(Object.keys(full).sort());
    for (const [method, l] of Object.entries(light)) {
      const f = full[method]!;
      expect({ path: l.path, req: l.requestStream, res: l.responseStream, name: l.originalName }).toEqual({
        path: f.path,
        req: f.requestStream,
        res: f.responseStream,
        name: f.originalName,
      });
      const m = root.lookupService(`tsc.v1.${name}`).methods[method]!;
      m.resolve();
      const request = sample(m.resolvedRequestType!);
      const reply = sample(m.resolvedResponseType!);
      // The same bytes on the wire, and the same plain objects out of them (defaults included).
      expect(l.requestSerialize(request)).toEqual(f.requestSerialize(request));
      expect(l.responseSerialize(reply)).toEqual(f.responseSerialize(reply));
      const bytes = f.responseSerialize(reply);
      expect(l.responseDeserialize(bytes)).toEqual(f.responseDeserialize(bytes));
      const empty = f.responseSerialize({});
      expect(l.responseDeserialize(empty)).toEqual(f.responseDeserialize(empty));
      expect(l.requestDeserialize(f.requestSerialize(request))).toEqual(
        f.requestDeserialize(f.requestSerialize(request)),
      );
    }
  });
});
