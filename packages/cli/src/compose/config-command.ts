import { writeFile } from "node:fs/promises";
import { loadProject } from "@tsc/compose";
import type { LoadedProject, Project } from "@tsc/compose";
import { Command, Option } from "commander";
import { sortKeysDeep, toJson, toYaml } from "../common/output.js";
import type { ComposeGlobalFlags } from "./global-options.js";
import { loadOptionsFrom } from "./global-options.js";
import { printWarnings } from "./warnings.js";

interface ConfigFlags {
  format: "yaml" | "json";
  quiet?: boolean;
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  images?: boolean;
  profiles?: boolean;
  interpolate: boolean;
  normalize: boolean;
  output?: string;
}

/** Top-level keys in the order `docker compose config` prints them; the rest follow sorted. */
const TOP_LEVEL_ORDER = ["name", "services", "networks", "volumes", "secrets", "configs", "models"];

/** `tsc-compose config`: parse, resolve and render the compose file in canonical format. */
export function configCommand(globals: () => ComposeGlobalFlags): Command {
  return new Command("config")
    .description("Parse, resolve and render the compose file in canonical format")
    .argument("[service...]", "services to render (their dependencies are included)")
    .addOption(new Option("--format <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("-q, --quiet", "only validate the configuration, don't print anything")
    .option("--services", "print the service names, one per line")
    .option("--volumes", "print the volume names, one per line")
    .option("--networks", "print the network names, one per line")
    .option("--images", "print the image names, one per line")
    .option("--profiles", "print the profile names, one per line")
    .option("--no-interpolate", "don't interpolate environment variables")
    .option("--no-normalize", "don't normalize the compose model")
    .option("-o, --output <file>", "save to file (default: stdout)")
    .action(async (services: string[], flags: ConfigFlags) => {
      const loaded = await loadProject({
        ...loadOptionsFrom(globals(), services),
        interpolate: flags.interpolate,
        normalize: flags.normalize,
      });
      printWarnings(loaded.warnings);
      if (flags.quiet) return;
      const text = renderConfig(loaded, flags);
      if (flags.output) await writeFile(flags.output, text);
      else process.stdout.write(text);
    });
}

/** What `config` prints for the given flags. */
export function renderConfig(loaded: LoadedProject, flags: ConfigFlags): string {
  const project = loaded.project;
  const lines = (items: Iterable<string>): string => [...items].map((s) => `${s}\n`).join("");
  if (flags.services) return lines(Object.keys(project.services ?? {}));
  if (flags.volumes) return lines(Object.keys(project.volumes ?? {}));
  if (flags.networks) return lines(Object.keys(project.networks ?? {}));
  if (flags.images) return lines(serviceImages(project));
  if (flags.profiles) return lines(allProfiles(project));
  const doc = sortKeysDeep(printableProject(project), TOP_LEVEL_ORDER);
  return flags.format === "json" ? toJson(doc) : toYaml(doc);
}

function serviceImages(project: Project): string[] {
  const images = Object.entries(project.services ?? {}).map(
    ([name, svc]) => svc.image ?? `${project.name}-${name}`,
  );
  return [...new Set(images)].sort();
}

function allProfiles(project: Project): string[] {
  const all = new Set<string>();
  for (const svc of [
    ...Object.values(project.services ?? {}),
    ...Object.values(project.disabled_services ?? {}),
  ]) {
    for (const p of svc.profiles ?? []) all.add(p);
  }
  return [...all].sort();
}

/** The project without the loader's bookkeeping (disabled services are not part of the output). */
function printableProject(project: Project): Record<string, unknown> {
  const { disabled_services: _disabled, ...rest } = project as Project & { disabled_services?: unknown };
  return rest as Record<string, unknown>;
}
