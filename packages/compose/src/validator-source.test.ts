import { readFileSync } from "node:fs";
import ajvModule from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { validate } from "./generated/compose-validator.js";
import { AJV_OPTIONS, composeValidatorSource } from "./validator-source.js";
import { composeJsonSchema } from "./validate.js";

describe("the generated compose validator", () => {
  it("is generated from the current schema (run `pnpm gen:validator` after editing src/schema)", () => {
    const committed = readFileSync(new URL("./generated/compose-validator.ts", import.meta.url), "utf8");
    expect(committed === composeValidatorSource()).toBe(true);
  });

  it("gives the verdicts and errors of the schema compiled at run time", () => {
    const compiled = new ajvModule.default(AJV_OPTIONS).compile(composeJsonSchema());
    const docs = [
      { services: { web: { image: "nginx", ports: ["80:80"] } } },
      { services: { web: { image: "nginx", prots: ["80"] } } },
      { services: { web: { image: 3, deploy: { replicas: "x" } } } },
      { services: { web: { build: { context: "." }, healthcheck: { interval: 5 } } }, volumes: { v: [] } },
      { name: "Bad Name!", services: {} },
    ];
    for (const doc of docs) {
      const ok = validate(doc);
      expect(ok).toBe(compiled(doc));
      const strip = (errs: unknown) => JSON.parse(JSON.stringify(errs ?? null));
      expect(strip((validate as unknown as { errors: unknown }).errors)).toEqual(strip(compiled.errors));
    }
  });
});
