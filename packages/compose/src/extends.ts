import { resolve } from "node:path";
import { ComposeError } from "./errors.js";
import { mergeServiceData } from "./merge.js";
import { rebaseServicePaths } from "./rebase-paths.js";
import type { ComposeSource } from "./source.js";
import { stripYamlTags } from "./yaml-tag.js";

type Data = Record<string, unknown>;

/** What `resolveExtends` needs from the loader. */
export interface ExtendsContext {
  source: ComposeSource;
  /** Returns the parsed and interpolated source of another file. */
  loadFile: (absPath: string) => Promise<ComposeSource>;
}

/**
 * Resolves `extends` in every service of `data`: the base service (from this file or from
 * `extends.file`, itself resolved first) is copied and the extending service merged over it with
 * the override rules; relative paths of a base from another file are made absolute against its
 * directory. Throws E_EXTENDS for an unknown service or file, E_EXTENDS_CYCLE for a loop.
 */
export async function resolveExtends(data: unknown, ctx: ExtendsContext): Promise<unknown> {
  const doc = data as Data;
  if (!isData(doc.services)) return data;
  const resolver = new ExtendsResolver(ctx.loadFile);
  const services: Data = {};
  for (const name of Object.keys(doc.services)) {
    services[name] = await resolver.service(ctx.source, doc.services, name, []);
  }
  return { ...doc, services };
}

class ExtendsResolver {
  private readonly done = new Map<string, Promise<unknown>>();

  constructor(private readonly loadFile: (absPath: string) => Promise<ComposeSource>) {}

  service(source: ComposeSource, services: Data, name: string, chain: string[]): Promise<unknown> {
    const id = `${source.file}#${name}`;
    if (chain.includes(id)) {
      const names = [...chain.slice(chain.indexOf(id)), id].map((c) => c.split("#")[1]);
      throw new ComposeError({
        code: "E_EXTENDS_CYCLE",
        path: ["services", chain.length > 0 ? chain[chain.length - 1]!.split("#")[1]! : name, "extends"],
        detail: `circular extends: ${names.join(" -> ")}`,
        hint: "break the loop: a service cannot extend itself, directly or indirectly",
      });
    }
    let hit = this.done.get(id);
    if (!hit) {
      hit = this.compute(source, services, name, [...chain, id]);
      this.done.set(id, hit);
    }
    return hit;
  }

  private async compute(
    source: ComposeSource,
    services: Data,
    name: string,
    chain: string[],
  ): Promise<unknown> {
    const svc = services[name];
    if (!isData(svc) || svc.extends === undefined) return svc;
    const ext = svc.extends;
    const spec =
      typeof ext === "string"
        ? { service: ext }
        : (stripYamlTags(ext) as { service?: string; file?: string });
    const path = ["services", name, "extends"];
    const baseName = spec.service;
    if (typeof baseName !== "string")
      throw new ComposeError({
        code: "E_EXTENDS",
        path,
        detail: "extends needs a service name",
        hint: "write extends: {service: NAME}",
      });
    let baseSource = source;
    let baseServices = services;
    if (spec.file !== undefined) {
      const file = resolve(source.dir, spec.file);
      try {
        baseSource = await this.loadFile(file);
      } catch (e) {
        if (e instanceof ComposeError && e.code !== "E_FILE") throw e;
        throw new ComposeError({
          code: "E_EXTENDS",
          path,
          detail: `cannot load ${spec.file} (${file})`,
          hint: "check extends.file",
          cause: e,
        });
      }
      baseServices = ((baseSource.data as Data).services as Data | undefined) ?? {};
    }
    if (!isData(baseServices) || !(baseName in baseServices)) {
      const known = isData(baseServices) ? Object.keys(baseServices) : [];
      throw new ComposeError({
        code: "E_EXTENDS",
        path,
        detail: `service "${name}" extends "${baseName}", which is not defined${spec.file ? ` in ${spec.file}` : ""}`,
        hint: known.length > 0 ? `known services: ${known.join(", ")}` : "define the base service",
      });
    }
    let base = await this.service(baseSource, baseServices, baseName, chain);
    if (baseSource !== source) base = rebaseServicePaths(base, baseSource.dir);
    const { extends: _ext, ...own } = svc;
    return mergeServiceData(base, own);
  }
}

function isData(v: unknown): v is Data {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
