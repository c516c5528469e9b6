import { ctlProgram } from "../ctl/program.js";
import { runCli } from "../common/run-cli.js";

const { program, close } = ctlProgram();
void runCli("tscctl", async () => {
  try {
    await program.parseAsync(process.argv);
  } finally {
    close();
  }
});
