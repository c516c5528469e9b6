import { describe, expect, it } from "vitest";
import { service } from "./__fixtures__/stack-view.js";
import { planPulls } from "./ensure-images.js";

const spec = (name: string, image: string, pull?: "always" | "missing" | "never") =>
  service(name, { image, ...(pull ? { pull_policy: pull } : {}) }).spec;

describe("planPulls (what up pulls first)", () => {
  const present = (image: string) => image === "busybox";

  it("pulls missing images by default, once per image, and leaves present ones alone", () => {
    const plan = planPulls(
      [spec("a", "nosuchimage:1"), spec("b", "busybox"), spec("c", "nosuchimage:1")],
      undefined,
      present,
    );
    expect([...plan.pulls]).toEqual([["nosuchimage:1", ["a", "c"]]]);
    expect(plan.missing).toEqual([]);
  });

  it("--pull always pulls every image; --pull never pulls none and names the missing ones", () => {
    expect([...planPulls([spec("b", "busybox")], "always", present).pulls]).toEqual([["busybox", ["b"]]]);
    const never = planPulls([spec("a", "nosuchimage:1"), spec("b", "busybox")], "never", present);
    expect(never.pulls.size).toBe(0);
    expect(never.missing).toEqual(["nosuchimage:1"]);
  });

  it("follows each service's pull_policy when --pull is not given", () => {
    const plan = planPulls([spec("b", "busybox", "always"), spec("a", "gone", "never")], undefined, present);
    expect([...plan.pulls]).toEqual([["busybox", ["b"]]]);
    expect(plan.missing).toEqual(["gone"]);
  });
});
