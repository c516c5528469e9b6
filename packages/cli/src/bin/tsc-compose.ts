import { isComposeError } from "@tsc/compose";
import { composeProgram } from "../compose/program.js";
import { runCli } from "../common/run-cli.js";

void runCli(
  "tsc-compose",
  async () => {
    const program = composeProgram();
    try {
      await program.parseAsync(process.argv);
    } finally {
      program.engine?.close();
    }
  },
  isComposeError,
);
