import type { ContainerSummary, ImageSummaryMessage } from "@tsc/api";
import { Command, Option } from "commander";
import { humanSize, shortId } from "../../common/human.js";
import { renderTable } from "../../common/table.js";
import type { ComposeEngine } from "../engine.js";

/** One row of `images`, with Compose v2's JSON field names. */
export interface ComposeImageRow {
  ID: string;
  ContainerName: string;
  Repository: string;
  Tag: string;
  Size: number;
}

/**
 * Splits a container's image reference as Compose shows it: `busybox` → busybox / latest,
 * `localhost:5000/app:1` → localhost:5000/app / 1, `app@sha256:…` → app / "" (pinned by digest).
 */
export function repositoryAndTag(ref: string): { Repository: string; Tag: string } {
  const name = ref.split("@")[0]!;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) return { Repository: name.slice(0, colon), Tag: name.slice(colon + 1) };
  return { Repository: name, Tag: ref.includes("@") ? "" : "latest" };
}

/** The rows of `images`: each container with its image's reference, ID and size. */
export function imageRows(containers: ContainerSummary[], images: ImageSummaryMessage[]): ComposeImageRow[] {
  const sizes = new Map(images.map((i) => [i.id, i.size]));
  return containers.map((c) => ({
    ID: c.imageId,
    ContainerName: c.names[0]!.slice(1),
    ...repositoryAndTag(c.image),
    Size: sizes.get(c.imageId) ?? 0,
  }));
}

/** `images [-q] [--format table|json] [SERVICE...]`: the images the project's containers use. */
export function imagesCommand(engine: ComposeEngine): Command {
  return new Command("images")
    .description("List images used by the created containers")
    .option("-q, --quiet", "only display IDs")
    .addOption(
      new Option("--format <format>", "format the output").choices(["table", "json"]).default("table"),
    )
    .argument("[service...]")
    .action(async (services: string[], f: { quiet?: boolean; format: "table" | "json" }) => {
      const project = await engine.projectName();
      const client = await engine.client();
      const [containers, { images }] = await Promise.all([
        engine.containers(project, { all: true, services }),
        client.call<{ images: ImageSummaryMessage[] }>("Images", "list", { all: true, filters: [] }),
      ]);
      const rows = imageRows(containers, images);
      if (f.quiet)
        return void process.stdout.write(
          [...new Set(rows.map((r) => shortId(r.ID)))].map((id) => `${id}\n`).join(""),
        );
      if (f.format === "json") return void process.stdout.write(`${JSON.stringify(rows)}\n`);
      process.stdout.write(
        renderTable(
          ["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"],
          rows.map((r) => [r.ContainerName, r.Repository, r.Tag, shortId(r.ID), humanSize(r.Size)]),
        ),
      );
    });
}
