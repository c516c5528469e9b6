import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";
import type { ImageSummaryMessage, PruneReply } from "@tsc/api";
import { isTscError } from "@tsc/core";
import type { Command } from "commander";
import { confirmPrune, printPruned } from "../common/confirm.js";
import { humanSize, shortId, timeAgo } from "../common/human.js";
import { ExitError } from "../common/run-cli.js";
import { formatRows } from "../common/table.js";
import { historyCommand } from "./history.js";
import type { ImageRow } from "./image-filters.js";
import { filterImageRows } from "./image-filters.js";
import { inspectRefs } from "./inspect.js";
import { pullWithProgress, pushWithProgress } from "./pull.js";
import type { Ctl } from "./shared.js";
import { collect, daemonError, forEachRef, formatOption } from "./shared.js";

/** `busybox:latest` for `docker.io/library/busybox:latest` (the runtime's reference code, loaded on demand). */
async function familiar(): Promise<(ref: string) => string> {
  const { familiarName, parseReference } = await import("@tsc/runtime");
  return (ref) => familiarName(parseReference(ref));
}

/** An `images` row with its DIGEST: the manifest digest recorded for its repository, or `<none>`. */
type DigestRow = ImageRow & { digest: string };

/**
 * The rows of `images`: one per tag, `<none>:<none>` for an untagged image, or (as Docker) one per
 * repository for an untagged image known by digest (`repo@sha256:…`, tag `<none>`). `repoDigests`
 * holds each image's RepoDigests (familiar names) where known.
 */
export function rowsOf(images: ImageSummaryMessage[], name: (ref: string) => string): DigestRow[] {
  const rows: DigestRow[] = [];
  for (const i of images) {
    const digests = i.repoDigests;
    const digestOf = (repo: string) =>
      digests.find((d) => d.slice(0, d.indexOf("@")) === repo)?.slice(repo.length + 1) ?? "<none>";
    const tags = i.repoTags.length
      ? i.repoTags.map(name)
      : digests.length
        ? digests.map((d) => `${d.slice(0, d.indexOf("@"))}:<none>`)
        : ["<none>:<none>"];
    for (const shown of tags) {
      const at = shown.endsWith(":<none>") ? shown.length - ":<none>".length : shown.lastIndexOf(":");
      const repo = shown.slice(0, at);
      rows.push({
        repo,
        tag: shown.slice(at + 1),
        digest: digestOf(repo),
        id: i.id,
        created: i.created,
        size: i.size,
      });
    }
  }
  return rows;
}

/**
 * Opens `file` to send (stdin for none or `-`). A file that cannot be read is a one-line error, as
 * Docker's `open FILE: no such file or directory`, before anything is sent.
 */
async function openInput(file: string | undefined): Promise<NodeJS.ReadableStream> {
  if (!file || file === "-") return process.stdin;
  const fail = (why: string): never => {
    throw new ExitError(1, `tscctl: open ${file}: ${why}`);
  };
  const fh = await open(file, "r").catch((e: NodeJS.ErrnoException) =>
    fail(OPEN_ERRORS[e.code ?? ""] ?? e.message),
  );
  if ((await fh.stat()).isDirectory()) {
    await fh.close();
    fail("is a directory");
  }
  return fh.createReadStream();
}

/** The system's words for the usual reasons a file cannot be opened. */
const OPEN_ERRORS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
};

/** Image commands: images, pull, push, tag, rmi, import, load, save, history, image prune/ls/inspect. */
export function imageCommands(program: Command, ctl: Ctl): void {
  const list = async (
    reference: string | undefined,
    o: {
      quiet?: boolean;
      format?: string;
      all?: boolean;
      digests?: boolean;
      trunc: boolean;
      filter?: string[];
    },
  ) => {
    const c = await ctl.client();
    const r = await c.call<{ images: ImageSummaryMessage[] }>("Images", "list", {
      all: !!o.all,
      filters: [],
    });
    let rows: DigestRow[];
    try {
      rows = filterImageRows(rowsOf(r.images, await familiar()), reference, o.filter ?? []);
    } catch (e) {
      if (!isTscError(e)) throw e;
      throw new ExitError(1, `Error response from daemon: ${e.message}`);
    }
    if (o.quiet) {
      for (const id of new Set(rows.map((x) => (o.trunc ? shortId(x.id) : x.id))))
        process.stdout.write(`${id}\n`);
      return;
    }
    process.stdout.write(
      formatRows(rows, {
        format:
          o.format === undefined || o.format === "table"
            ? `table {{.Repository}}\t{{.Tag}}\t${o.digests ? "{{.Digest}}\t" : ""}{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`
            : o.format,
        columns: [
          { header: "REPOSITORY", field: "Repository", value: (x) => x.repo },
          { header: "TAG", field: "Tag", value: (x) => x.tag },
          { header: "DIGEST", field: "Digest", value: (x) => x.digest },
          { header: "IMAGE ID", field: "ID", value: (x) => (o.trunc ? shortId(x.id) : x.id) },
          {
            header: "CREATED",
            field: "CreatedSince",
            value: (x) => (x.created ? timeAgo(x.created) : "N/A"),
          },
          { header: "CREATED AT", field: "CreatedAt", value: (x) => x.created },
          { header: "SIZE", field: "Size", value: (x) => humanSize(x.size) },
        ],
      }),
    );
  };
  const listCmd = (cmd: Command) =>
    cmd
      .description("List images")
      .option("-a, --all", "show all images")
      .option("-q, --quiet", "only show image IDs")
      .option("--no-trunc", "don't truncate output")
      .option("--digests", "show digests")
      .option("-f, --filter <filter>", "filter output based on conditions provided", collect)
      .option("--format <format>", "format output using a custom template, 'table' or 'json'")
      .argument("[repository[:tag]]")
      .action(list);
  listCmd(program.command("images"));
  const image = program.command("image").description("Manage images");
  listCmd(image.command("ls").alias("list"));
  for (const p of [program, image]) {
    p.command("pull")
      .description("Download an image from a registry")
      .option("-q, --quiet", "suppress verbose output")
      .argument("<name>")
      .action(async (name: string, o: { quiet?: boolean }) => {
        const c = await ctl.client();
        const ref = name.includes(":") || name.includes("@") ? name : `${name}:latest`;
        if (!o.quiet) process.stdout.write(`Using default tag: latest\n`.repeat(ref === name ? 0 : 1));
        const pulled = await pullWithProgress(
          c,
          ref,
          o.quiet
            ? (Object.assign(Object.create(process.stdout), {
                write: () => true,
                isTTY: false,
              }) as NodeJS.WriteStream)
            : process.stdout,
        ).catch((e: unknown) => {
          throw new ExitError(1, daemonError(e));
        });
        process.stdout.write(
          o.quiet ? `${ref}\n` : `Digest: ${pulled.digest}\nStatus: ${pulled.status} for ${ref}\n${ref}\n`,
        );
      });
    p.command("push")
      .description("Upload an image to a registry")
      .argument("<name>")
      .action(async (name: string) => {
        const digest = await pushWithProgress(await ctl.client(), name, process.stdout).catch(
          (e: unknown) => {
            throw new ExitError(1, daemonError(e));
          },
        );
        process.stdout.write(`${name.split(":").pop() ?? "latest"}: digest: ${digest}\n`);
      });
    p.command("tag")
      .description("Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")
      .argument("<source>")
      .argument("<target>")
      .action(async (source: string, target: string) => {
        const c = await ctl.client();
        await forEachRef([source], () => c.call("Images", "tag", { source, target }).then(() => ""));
      });
    p.command("load")
      .description("Load an image from a tar archive or STDIN")
      .option("-i, --input <file>", "read from tar archive file, instead of STDIN")
      .option("-q, --quiet", "suppress the load output")
      .action(async (o: { input?: string }) => {
        const input = await openInput(o.input);
        const c = await ctl.client();
        const r = await c.upload<{ loaded: string[] }>("Images", "load", input).catch((e: unknown) => {
          throw new ExitError(1, daemonError(e));
        });
        const name = await familiar();
        for (const l of r.loaded)
          process.stdout.write(
            l.startsWith("sha256:") ? `Loaded image ID: ${l}\n` : `Loaded image: ${name(l)}\n`,
          );
      });
    p.command("save")
      .description("Save one or more images to a tar archive (streamed to STDOUT by default)")
      .option("-o, --output <file>", "write to a file, instead of STDOUT")
      .argument("<image...>")
      .action(async (refs: string[], o: { output?: string }) => {
        if (!o.output && process.stdout.isTTY)
          throw new ExitError(1, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
        const c = await ctl.client();
        const out: NodeJS.WritableStream = o.output ? createWriteStream(o.output) : process.stdout;
        try {
          for await (const m of c.serverStream<{ data: Buffer }>("Images", "save", {
            references: refs,
          }) as AsyncIterable<{ data: Buffer }>)
            if (!out.write(m.data)) await new Promise<void>((r) => out.once("drain", () => r()));
        } catch (e) {
          throw new ExitError(1, daemonError(c.toTscError(e)));
        }
        if (o.output) await new Promise<void>((r) => out.end(() => r()));
      });
    p.command("import")
      .description("Import the contents from a tarball to create a filesystem image")
      .option("-c, --change <instruction>", "apply Dockerfile instruction to the created image", collect)
      .option("-m, --message <msg>", "set commit message for imported image")
      .argument("<file>", "tarball path or - for STDIN")
      .argument("[repository[:tag]]")
      .action(
        async (file: string, reference: string | undefined, o: { change?: string[]; message?: string }) => {
          const input = await openInput(file);
          const c = await ctl.client();
          const r = await c
            .upload<{ id: string }>("Images", "import", input, {
              reference: reference ?? "",
              changes: o.change ?? [],
              message: o.message ?? "",
            })
            .catch((e: unknown) => {
              throw new ExitError(1, daemonError(e));
            });
          process.stdout.write(`${r.id}\n`);
        },
      );
    historyCommand(p, ctl);
  }
  const rmi = async (refs: string[], o: { force?: boolean }) => {
    const c = await ctl.client();
    const name = await familiar();
    await forEachRef(refs, async (reference) => {
      const r = await c.call<{ untagged: string[]; deleted: string[] }>("Images", "remove", {
        reference,
        force: !!o.force,
      });
      return [
        ...r.untagged.map((u) => `Untagged: ${name(u)}`),
        ...r.deleted.map((d) => `Deleted: ${d}`),
      ].join("\n");
    });
  };
  program
    .command("rmi")
    .description("Remove one or more images")
    .option("-f, --force", "force removal of the image")
    .argument("<image...>")
    .action(rmi);
  image
    .command("rm")
    .alias("remove")
    .description("Remove one or more images")
    .option("-f, --force", "force removal of the image")
    .argument("<image...>")
    .action(rmi);
  image
    .command("prune")
    .description("Remove unused images")
    .option("-a, --all", "remove all unused images, not just dangling ones")
    .option("-f, --force", "do not prompt for confirmation")
    .action(async (o: { all?: boolean; force?: boolean }) => {
      const what = o.all
        ? "This will remove all images without at least one container associated to them."
        : "This will remove all dangling images.";
      if (!(await confirmPrune(what, o.force))) return;
      const c = await ctl.client();
      const r = await c.call<PruneReply>("Images", "prune", { all: !!o.all });
      printPruned([["Images", r.deleted.map((d) => `deleted: ${d}`)]], r.spaceReclaimed);
    });
  formatOption(image.command("inspect").description("Display detailed information on one or more images"))
    .argument("<image...>")
    .action((refs: string[], o: { format?: string }) => inspectRefs(ctl, refs, ["image"], o.format));
}
