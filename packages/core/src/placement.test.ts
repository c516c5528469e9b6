import { describe, expect, it } from "vitest";
import { isTscError } from "./errors.js";
import { constraintMatches, parsePlacementConstraint, parseSpreadPreference } from "./placement.js";
import type { NodeAttributes } from "./placement.js";

const node: NodeAttributes = {
  id: "n1abc",
  hostname: "Box-1",
  role: "manager",
  os: "linux",
  arch: "x86_64",
  nodeLabels: { zone: "east" },
  engineLabels: { "storage.kind": "ssd" },
};

const matches = (text: string): boolean => constraintMatches(parsePlacementConstraint(text), node);

describe("placement constraints", () => {
  it("parses Docker's syntax, with or without spaces", () => {
    expect(parsePlacementConstraint(" node.role == manager ")).toEqual({
      key: "node.role",
      op: "==",
      value: "manager",
      text: "node.role == manager",
    });
    expect(parsePlacementConstraint("Node.Labels.Zone!=west")).toMatchObject({
      key: "node.labels.Zone",
      op: "!=",
      value: "west",
    });
  });

  it("matches every attribute, case-insensitively", () => {
    expect(matches("node.role==manager")).toBe(true);
    expect(matches("node.role==worker")).toBe(false);
    expect(matches("node.role!=worker")).toBe(true);
    expect(matches("node.hostname==box-1")).toBe(true);
    expect(matches("node.id==n1abc")).toBe(true);
    expect(matches("node.platform.os==Linux")).toBe(true);
    expect(matches("node.platform.arch!=x86_64")).toBe(false);
    expect(matches("node.labels.zone==east")).toBe(true);
    expect(matches("engine.labels.storage.kind==ssd")).toBe(true);
  });

  it("treats a missing label as unequal", () => {
    expect(matches("node.labels.gpu==yes")).toBe(false);
    expect(matches("node.labels.gpu!=yes")).toBe(true);
    // node labels and engine labels are separate sets
    expect(matches("node.labels.storage.kind==ssd")).toBe(false);
  });

  it.each([
    ["node.role=manager", /no == or != operator/],
    ["node.rol==manager", /unknown attribute "node.rol"/],
    ["node.labels.==x", /invalid label name/],
    ["node.role==", /has no value/],
  ])("rejects %s with a message that says what to write", (text, detail) => {
    let err: unknown;
    try {
      parsePlacementConstraint(text);
    } catch (e) {
      err = e;
    }
    expect(isTscError(err, "InvalidArgument")).toBe(true);
    expect((err as Error).message).toMatch(detail);
    expect((err as Error).message).toMatch(/write ATTRIBUTE==VALUE/);
  });

  it("parses spread preferences over node and engine labels only", () => {
    expect(parseSpreadPreference("node.labels.zone")).toBe("node.labels.zone");
    expect(parseSpreadPreference(" Engine.Labels.rack ")).toBe("engine.labels.rack");
    expect(() => parseSpreadPreference("node.hostname")).toThrow(
      /spread preference "node.hostname" does not name a label: write node.labels.KEY or engine.labels.KEY/,
    );
    expect(() => parseSpreadPreference("node.labels.")).toThrow(/does not name a label/);
  });
});
