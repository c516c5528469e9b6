import { isDeepStrictEqual } from "node:util";
import { basename, dirname, join, relative, resolve } from "node:path";
import { ComposeError } from "./errors.js";
import type { ComposeSource } from "./source.js";
import { stripYamlTags } from "./yaml-tag.js";

type Data = Record<string, unknown>;

/** One `include` entry, resolved to absolute paths. */
export interface IncludeRequest {
  files: string[];
  projectDir: string;
  envFiles: string[];
}

/** What `resolveIncludes` needs from the loader. */
export interface IncludeContext {
  source: ComposeSource;
  /** Loads an included project: its files merged, its own includes resolved, its paths absolute. */
  loadIncluded: (req: IncludeRequest) => Promise<unknown>;
  /** The files being included above this one, outermost first (for cycle detection). */
  stack?: string[];
}

const RESOURCES = ["services", "networks", "volumes", "secrets", "configs", "models"] as const;

/**
 * Resolves the top-level `include`: each entry (a path, or `{path, project_directory, env_file}`)
 * is loaded as its own project and its resources are added to `data`. A resource defined both here
 * and in an included project is E_INCLUDE unless both definitions are identical; an include loop is
 * E_INCLUDE_CYCLE. The result has no `include` key.
 */
export async function resolveIncludes(data: unknown, ctx: IncludeContext): Promise<unknown> {
  const doc = data as Data;
  const entries = stripYamlTags(doc.include);
  if (entries === undefined || entries === null) return data;
  const { include: _include, ...out } = doc;
  const list = Array.isArray(entries) ? entries : [entries];
  const origin = new Map<string, string>();
  for (const [i, entry] of list.entries()) {
    const req = includeRequest(entry, ctx.source.dir, ["include", i]);
    const stack = ctx.stack ?? [ctx.source.file];
    for (const f of req.files) {
      if (stack.includes(f))
        throw new ComposeError({
          code: "E_INCLUDE_CYCLE",
          path: ["include", i],
          detail: `include cycle: ${[...stack.slice(stack.indexOf(f)), f].map((p) => basename(p)).join(" -> ")}`,
          hint: "a compose file cannot include itself, directly or indirectly",
        });
    }
    const included = (await ctx.loadIncluded(req)) as Data;
    for (const kind of RESOURCES) {
      const theirs = included[kind];
      if (!isData(theirs)) continue;
      const mine = isData(out[kind]) ? { ...(out[kind] as Data) } : {};
      for (const [name, def] of Object.entries(theirs)) {
        if (name in mine && !isDeepStrictEqual(stripYamlTags(mine[name]), def)) {
          const where = origin.get(`${kind}.${name}`) ?? basename(ctx.source.file);
          throw new ComposeError({
            code: "E_INCLUDE",
            path: [kind, name],
            detail: `${kind}.${name} is defined in both ${where} and ${relative(ctx.source.dir, req.files[0]!) || req.files[0]}`,
            hint: "rename one of them, or remove the duplicate definition",
          });
        }
        mine[name] = def;
        origin.set(`${kind}.${name}`, relative(ctx.source.dir, req.files[0]!));
      }
      out[kind] = mine;
    }
  }
  return out;
}

function includeRequest(entry: unknown, dir: string, path: (string | number)[]): IncludeRequest {
  const bad = (detail: string): never => {
    throw new ComposeError({
      code: "E_INCLUDE",
      path,
      detail,
      hint: "write include entries as a path or {path, project_directory, env_file}",
    });
  };
  const list = (v: unknown): string[] =>
    v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
  let paths: string[];
  let projectDirectory: string | undefined;
  let envFiles: string[] = [];
  if (typeof entry === "string") paths = [entry];
  else if (isData(entry)) {
    paths = list(entry.path);
    projectDirectory = typeof entry.project_directory === "string" ? entry.project_directory : undefined;
    envFiles = list(entry.env_file);
  } else return bad(`invalid include entry ${JSON.stringify(entry)}`);
  if (paths.length === 0) bad("an include entry needs a path");
  const files = paths.map((p) => resolve(dir, p));
  const projectDir = projectDirectory ? resolve(dir, projectDirectory) : dirname(files[0]!);
  const env = envFiles.length > 0 ? envFiles.map((f) => resolve(dir, f)) : [join(projectDir, ".env")];
  return { files, projectDir, envFiles: env };
}

function isData(v: unknown): v is Data {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
