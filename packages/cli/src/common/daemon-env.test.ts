import { describe, expect, it } from "vitest";
import { daemonEnv } from "./daemon-env.js";

describe("daemonEnv", () => {
  it("gives a started tscd back the NODE_EXTRA_CA_CERTS the CLI's bin script moved aside", () => {
    expect(daemonEnv({ PATH: "/bin", TSC_EXTRA_CA_CERTS: "/etc/ca.pem" })).toEqual({
      PATH: "/bin",
      NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
    });
  });

  it("adds nothing when the user had none", () => {
    expect(daemonEnv({ PATH: "/bin", TSC_EXTRA_CA_CERTS: "" })).toEqual({ PATH: "/bin" });
    expect(daemonEnv({ PATH: "/bin" })).toEqual({ PATH: "/bin" });
  });
});
