import { isTscError } from "@tsc/core";
import type { ContainerSummary, TscClient } from "@tsc/api";
import type { Command } from "commander";
import { ExitError } from "../common/run-cli.js";
import type { Ctl } from "./shared.js";
import { daemonError, formatOption, printDocuments } from "./shared.js";

type Kind = "container" | "image" | "network" | "volume";
const SERVICE: Record<Kind, "Containers" | "Images" | "Networks" | "Volumes"> = {
  container: "Containers",
  image: "Images",
  network: "Networks",
  volume: "Volumes",
};

/** `inspect -s`: a container's SizeRw and SizeRootFs, as `ps -s` computes them. */
async function containerSizes(c: TscClient, id: string): Promise<{ SizeRw: number; SizeRootFs: number }> {
  const r = await c.call<{ containers: ContainerSummary[] }>("Containers", "list", {
    all: true,
    size: true,
    filters: [`id=${id}`],
  });
  const row = r.containers.find((x) => x.id === id);
  return { SizeRw: row?.sizeRw ?? 0, SizeRootFs: row?.sizeRootFs ?? 0 };
}

/**
 * Inspects refs of one kind (or, with no kind, the first kind that knows each ref, as `docker
 * inspect`); with `size`, containers also show SizeRw and SizeRootFs.
 */
export async function inspectRefs(
  ctl: Ctl,
  refs: string[],
  kinds: Kind[],
  format: string | undefined,
  size = false,
): Promise<void> {
  const c = await ctl.client();
  const docs: unknown[] = [];
  let failed = false;
  for (const ref of refs) {
    let found = false;
    for (const kind of kinds) {
      try {
        const doc = JSON.parse(
          (await c.call<{ json: string }>(SERVICE[kind], "inspect", { id: ref })).json,
        ) as Record<string, unknown>;
        docs.push(
          size && kind === "container" ? { ...doc, ...(await containerSizes(c, String(doc.Id))) } : doc,
        );
        found = true;
        break;
      } catch (e) {
        if (!isTscError(e, "NotFound") && !isTscError(e, "InvalidArgument"))
          throw new ExitError(1, daemonError(e));
      }
    }
    if (!found) {
      failed = true;
      process.stderr.write(`Error: No such ${kinds.length === 1 ? kinds[0] : "object"}: ${ref}\n`);
    }
  }
  if (docs.length || !format) printDocuments(docs, format);
  if (failed) throw new ExitError(1);
}

/** `inspect` (any object) and `container inspect`. */
export function inspectCommand(program: Command, ctl: Ctl): void {
  formatOption(program.command("inspect").description("Return low-level information on tsc objects"))
    .option("-s, --size", "display total file sizes if the type is container")
    .option("--type <type>", "only inspect objects of the given type (container, image, network, volume)")
    .argument("<name...>")
    .action(async (refs: string[], o: { format?: string; type?: Kind; size?: boolean }) => {
      const kinds: Kind[] = o.type ? [o.type] : ["container", "image", "network", "volume"];
      await inspectRefs(ctl, refs, kinds, o.format, o.size ?? false);
    });
}
