import { describe, expect, it } from "vitest";
import { describeProtos } from "./descriptor-source.js";
import { API_DESCRIPTOR } from "./generated/descriptor.js";
import { loadServices, PROTO_ROOT } from "./proto.js";

describe("the generated API descriptor", () => {
  it("matches proto/tsc/v1/*.proto (run `pnpm gen:proto` after editing them)", () => {
    expect(JSON.parse(JSON.stringify(API_DESCRIPTOR))).toEqual(describeProtos(PROTO_ROOT));
  });

  it("gives every service its rpcs with camelCase fields", () => {
    const services = loadServices();
    expect(Object.keys(services.Containers.service)).toContain("Create");
    const create = services.Containers.service.Create!;
    const bytes = create.requestSerialize({ specJson: "{}", registryAuth: "x" });
    expect(create.requestDeserialize(bytes)).toMatchObject({ specJson: "{}", registryAuth: "x" });
  });
});
