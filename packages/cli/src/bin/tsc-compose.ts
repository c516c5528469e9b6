import { isComposeError } from "@tsc/compose";
import { composeProgram } from "../compose/program.js";
import { runCli } from "../common/run-cli.js";

await runCli(
  "tsc-compose",
  async () => {
    await composeProgram().parseAsync(process.argv);
  },
  isComposeError,
);
