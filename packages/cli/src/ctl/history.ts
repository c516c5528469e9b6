import type { Command } from "commander";
import { boolFlagValue } from "../common/flags.js";
import { humanSize, rfc3339Local, shortId, timeAgo, truncate } from "../common/human.js";
import { ExitError } from "../common/run-cli.js";
import type { FormatColumn } from "../common/table.js";
import { formatRows } from "../common/table.js";
import type { Ctl } from "./shared.js";
import { daemonError } from "./shared.js";

/** One row of the daemon's history: a layer, newest first; `Id` is `<missing>` below the image. */
export interface HistoryRow {
  Id: string;
  Created?: string;
  CreatedBy?: string;
  Comment?: string;
  Size: number;
}

/** The `history` columns as docker/cli's history formatter renders them. */
export function historyColumns(o: { trunc: boolean; human: boolean }): FormatColumn<HistoryRow>[] {
  const createdAt = (h: HistoryRow) => (h.Created ? rfc3339Local(h.Created) : "");
  return [
    { header: "IMAGE", field: "ID", value: (h) => (o.trunc ? shortId(h.Id) : h.Id) },
    {
      header: "CREATED",
      field: "CreatedSince",
      value: (h) => (!o.human ? createdAt(h) : h.Created ? timeAgo(h.Created) : ""),
    },
    { header: "CREATED AT", field: "CreatedAt", value: createdAt },
    {
      header: "CREATED BY",
      field: "CreatedBy",
      value: (h) => {
        const by = (h.CreatedBy ?? "").replace(/\t/g, " ");
        return o.trunc ? truncate(by, 45) : by;
      },
    },
    { header: "SIZE", field: "Size", value: (h) => (o.human ? humanSize(h.Size) : String(h.Size)) },
    { header: "COMMENT", field: "Comment", value: (h) => h.Comment ?? "" },
  ];
}

const DEFAULT = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

/** Renders history rows as `docker history` prints them (table, `-q`, `--format json|template`). */
export function renderHistory(
  rows: HistoryRow[],
  o: { trunc: boolean; human: boolean; quiet?: boolean; format?: string },
): string {
  const columns = historyColumns(o);
  const format = o.quiet ? "{{.ID}}" : o.format === undefined || o.format === "table" ? DEFAULT : o.format;
  return formatRows(rows, { format, columns });
}

/**
 * `-H [bool]` as pflag's boolean: `-H=false`/`--human=false` set it, while in `-H IMAGE` commander
 * hands us the image as the flag's value (an optional value takes the next word): then the flag is
 * plain `-H` and that word is the image.
 */
function humanAndImage(value: string | boolean, image: string | undefined, cmd: Command) {
  if (typeof value === "boolean") return { human: value, image };
  const text = value.replace(/^=/, "");
  if (image === undefined && !value.startsWith("=") && !/^(1|0|t|f|true|false)$/i.test(text))
    return { human: true, image: value };
  try {
    return { human: boolFlagValue(text), image };
  } catch (e) {
    return cmd.error(
      `error: option '-H, --human [bool]' argument '${text}' is invalid. ${(e as Error).message}`,
      { exitCode: 1, code: "commander.invalidArgument" },
    );
  }
}

/** `history IMAGE`: newest layer first, the image's ID on the top row, as Docker's. */
export function historyCommand(p: Command, ctl: Ctl): void {
  p.command("history")
    .description("Show the history of an image")
    .option("-H, --human [bool]", "print sizes and dates in human readable format (default true)", true)
    .option("--no-trunc", "don't truncate output")
    .option("-q, --quiet", "only show image IDs")
    .option("--format <format>", "format output using a custom template, 'table' or 'json'")
    .argument("[image]")
    .action(
      async (
        arg: string | undefined,
        o: { trunc: boolean; human: string | boolean; quiet?: boolean; format?: string },
        cmd: Command,
      ) => {
        const { human, image } = humanAndImage(o.human, arg, cmd);
        if (image === undefined)
          return cmd.error("error: missing required argument 'image'", {
            exitCode: 1,
            code: "commander.missingArgument",
          });
        const c = await ctl.client();
        const r = await c.call<{ json: string }>("Images", "history", { id: image }).catch((e: unknown) => {
          throw new ExitError(1, daemonError(e));
        });
        process.stdout.write(renderHistory(JSON.parse(r.json) as HistoryRow[], { ...o, human }));
      },
    );
}
