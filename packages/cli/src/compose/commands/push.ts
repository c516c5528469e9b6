import { Command } from "commander";
import { ExitError } from "../../common/run-cli.js";
import { discardStream, pushWithProgress } from "../../ctl/pull.js";
import { daemonError } from "../../ctl/shared.js";
import type { ComposeEngine } from "../engine.js";

/** `push`: pushes the image of every chosen service that names one (`image:`), through the engine. */
export function pushCommand(engine: ComposeEngine): Command {
  return new Command("push")
    .description("Push service images")
    .option("--ignore-push-failures", "push what it can and ignores images with push failures")
    .option("-q, --quiet", "push without printing progress information")
    .argument("[service...]")
    .action(async (services: string[], f: { ignorePushFailures?: boolean; quiet?: boolean }) => {
      const loaded = await engine.load(services);
      const client = await engine.client();
      const out = f.quiet ? discardStream() : process.stderr;
      const chosen = Object.entries(loaded.project.services)
        .filter(([name, svc]) => svc.image && (!services.length || services.includes(name)))
        .sort(([a], [b]) => a.localeCompare(b));
      const pushed = new Set<string>();
      for (const [name, svc] of chosen) {
        const image = svc.image!;
        try {
          if (!pushed.has(image)) {
            out.write(` ${name} Pushing\n`);
            await pushWithProgress(client, image, out);
            pushed.add(image);
          }
          out.write(` ${name} Pushed\n`);
        } catch (e) {
          if (!f.ignorePushFailures) throw new ExitError(1, daemonError(e));
          process.stderr.write(` ${name} Error ${daemonError(e)}\n`);
        }
      }
    });
}
