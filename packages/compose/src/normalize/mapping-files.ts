import { readFileSync } from "node:fs";
import { parseDotenv } from "../dotenv.js";
import { ComposeError } from "../errors.js";
import type { ComposeErrorCode } from "../errors.js";
import type { JsonPath } from "../json-path.js";
import { absolutePath } from "../rebase-paths.js";
import type { Lookup } from "./maps.js";
import { at, isData, parseBool, scalarText } from "./values.js";

/** One `env_file` / `label_file` entry: where it is, whether it must exist, and its syntax. */
export interface MappingFileRef {
  /** Absolute path. */
  file: string;
  required: boolean;
  /** `undefined` (dotenv syntax) or `raw` (every line `KEY=VALUE`, taken literally). */
  format?: string;
  /** Where the entry is written, for errors. */
  path: JsonPath;
}

/** What a file of KEY=VALUE lines is used for, which decides how its problems are reported. */
export interface MappingFileKind {
  /** "env file" or "label file", for messages. */
  noun: string;
  /** The error code for a missing or unreadable file. */
  code: ComposeErrorCode;
  /** Whether entries may say `required: false`. */
  canBeOptional: boolean;
}

/** The entries of `env_file` / `label_file` (a path, a list of paths, or `{path, required, format}` items). */
export function mappingFileRefs(value: unknown, projectDir: string, path: JsonPath): MappingFileRef[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((item, i) => {
    const itemPath = Array.isArray(value) ? at(path, i) : path;
    if (!isData(item))
      return { file: absolutePath(projectDir, scalarText(item)), required: true, path: itemPath };
    return {
      file: absolutePath(projectDir, scalarText(item.path)),
      required: item.required === undefined || parseBool(item.required, at(itemPath, "required")),
      format: item.format === undefined ? undefined : scalarText(item.format),
      path: itemPath,
    };
  });
}

/** Reads files once per project load, however many services name them. */
export class MappingFileReader {
  private readonly texts = new Map<string, string | undefined>();

  /**
   * The variables of `ref`, `${VAR}`s resolved with `lookup`; undefined when an optional file is
   * missing. A missing required file or a syntax error is a ComposeError naming the file.
   */
  read(ref: MappingFileRef, kind: MappingFileKind, lookup: Lookup): Record<string, string> | undefined {
    const text = this.text(ref, kind);
    if (text === undefined) return undefined;
    if (ref.format === undefined || ref.format === ".env")
      return parseDotenv(text, { file: ref.file, lookup });
    if (ref.format === "raw") return parseRaw(text, ref.file, kind);
    throw new ComposeError({
      code: kind.code,
      path: at(ref.path, "format"),
      detail: `unsupported ${kind.noun} format ${JSON.stringify(ref.format)}`,
      hint: "use format: raw, or leave format out for .env syntax",
    });
  }

  private text(ref: MappingFileRef, kind: MappingFileKind): string | undefined {
    if (this.texts.has(ref.file)) return this.missingOr(this.texts.get(ref.file), ref, kind);
    let text: string | undefined;
    try {
      text = readFileSync(ref.file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT")
        throw new ComposeError({
          code: kind.code,
          path: ref.path,
          detail: `cannot read ${kind.noun} ${ref.file}: ${code ?? String(e)}`,
          hint: "check the path and its permissions",
          cause: e,
        });
    }
    this.texts.set(ref.file, text);
    return this.missingOr(text, ref, kind);
  }

  private missingOr(
    text: string | undefined,
    ref: MappingFileRef,
    kind: MappingFileKind,
  ): string | undefined {
    if (text === undefined && ref.required)
      throw new ComposeError({
        code: kind.code,
        path: ref.path,
        detail: `${kind.noun} ${ref.file} not found`,
        hint: kind.canBeOptional
          ? "create it, fix the path, or mark it `required: false`"
          : "create it or fix the path",
      });
    return text;
  }
}

/** The `raw` format: `KEY=VALUE` per line, values literal; blank lines and `#` comments skipped. */
function parseRaw(text: string, file: string, kind: MappingFileKind): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0)
      throw new ComposeError({
        code: kind.code,
        location: { file, line: i + 1, column: 1 },
        detail: `${JSON.stringify(line)} is not a KEY=VALUE line`,
        hint: `every line of a raw ${kind.noun} must be KEY=VALUE`,
      });
    out[line.slice(0, eq)] = line.slice(eq + 1);
  });
  return out;
}
