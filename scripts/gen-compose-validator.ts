/**
 * Regenerates packages/compose/src/generated/compose-validator.ts, ajv's standalone validator for the
 * compose schema (`pnpm gen:validator`). tsc-compose then validates files without compiling the
 * schema at start-up; a unit test fails when the committed validator no longer matches the schema.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { composeValidatorSource } from "../packages/compose/src/validator-source.js";

const dir = fileURLToPath(new URL("../packages/compose/src/generated/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}compose-validator.ts`, composeValidatorSource());
console.log(`wrote ${dir}compose-validator.ts`);
