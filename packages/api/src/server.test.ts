import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failedPrecondition, isTscError } from "@tsc/core";
import { afterEach, describe, expect, it } from "vitest";
import { parseHost } from "./address.js";
import { TscClient } from "./client.js";
import { ApiServer, redactForTrace } from "./server.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A System service whose handlers a test scripts. */
function systemImpl(over: Record<string, unknown> = {}) {
  return {
    ping: async () => ({}),
    version: async () => ({ json: JSON.stringify({ Version: "test" }) }),
    info: async () => {
      throw failedPrecondition("not ready", { hint: "wait" });
    },
    df: async () => ({ json: "{}" }),
    prune: async () => ({ json: "{}" }),
    events: async (call: { write(m: unknown): boolean }) => {
      for (let i = 0; i < 3; i++)
        call.write({ type: "container", action: `a${i}`, id: "x", attributes: {}, time: "", timeNano: i });
    },
    ...over,
  };
}

async function serve(trace?: (l: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), "tsc-api-"));
  const server = new ApiServer(trace);
  server.addService("System", systemImpl());
  const addr = parseHost(`unix://${join(dir, "api.sock")}`);
  await server.listen(addr);
  const client = new TscClient(addr);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => server.close(100));
  cleanups.push(() => client.close());
  return { client, socket: join(dir, "api.sock") };
}

describe("ApiServer and TscClient", () => {
  it("serves unary and streaming calls on a 0660 unix socket", async () => {
    const { client, socket } = await serve();
    expect(statSync(socket).mode & 0o777).toBe(0o660);
    const v = await client.call<{ json: string }>("System", "version", {});
    expect(JSON.parse(v.json)).toEqual({ Version: "test" });
    const events = await client.collect<{ action: string }>("System", "events", {
      since: "",
      until: "",
      filters: [],
    });
    expect(events.map((e) => e.action)).toEqual(["a0", "a1", "a2"]);
  });

  it("delivers a handler's error category and hint to the client", async () => {
    const { client } = await serve();
    const err = await client.call("System", "info", {}).catch((e: unknown) => e);
    expect(isTscError(err, "FailedPrecondition")).toBe(true);
    expect((err as Error).message).toBe("not ready: wait");
  });

  it("says which address it tried when no daemon is there", async () => {
    const client = new TscClient(parseHost("unix:///nonexistent/tscd.sock"));
    cleanups.push(() => client.close());
    const err = await client.call("System", "ping", {}).catch((e: unknown) => e);
    expect(isTscError(err, "Unavailable")).toBe(true);
    expect((err as Error).message).toMatch(
      /Cannot connect to the tsc daemon at unix:\/\/\/nonexistent\/tscd.sock/,
    );
  });

  it("refuses a service with a missing handler", () => {
    const server = new ApiServer();
    expect(() => server.addService("System", { ping: async () => ({}) })).toThrow(/no handler for Version/);
  });

  it("traces calls as JSON lines with secrets redacted", async () => {
    const lines: string[] = [];
    const { client } = await serve((l) => lines.push(l));
    await client.call("System", "ping", {});
    const first = JSON.parse(lines[0]!) as { method: string; phase: string };
    expect(first).toMatchObject({ method: "System.Ping", phase: "call" });
    expect(
      redactForTrace({ registryAuth: "tok", password: "pw", data: Buffer.from("abc"), name: "x" }),
    ).toEqual({
      registryAuth: "<redacted>",
      password: "<redacted>",
      data: "<3 bytes>",
      name: "x",
    });
  });
});
