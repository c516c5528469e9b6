import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { checkConsistency } from "./consistency.js";
import { discoverComposeFiles } from "./discovery.js";
import { loadProjectEnvironment } from "./environment.js";
import { ComposeError } from "./errors.js";
import { resolveExtends } from "./extends.js";
import { resolveIncludes } from "./include.js";
import { interpolateData } from "./interpolate.js";
import { mergeComposeData } from "./merge.js";
import type { Project } from "./model.js";
import { normalizeProject } from "./normalize/index.js";
import { parseComposeYaml } from "./parse-yaml.js";
import { applyProfiles } from "./profiles.js";
import { resolveProjectName } from "./project-name.js";
import { rebaseProjectPaths } from "./rebase-paths.js";
import type { ComposeSource } from "./source.js";
import { locateInSources } from "./source.js";
import { validateComposeData } from "./validate.js";
import { stripYamlTags } from "./yaml-tag.js";

/** How to find and read a compose project; every field mirrors a `docker compose` global flag. */
export interface LoadOptions {
  /** Where relative `-f` paths and the upward file search start (default: process.cwd()). */
  workingDir?: string;
  /** `-f`, in order; `-` reads stdin through `readStdin`. */
  files?: string[];
  /** `-p`. */
  projectName?: string;
  /** `--project-directory`. */
  projectDirectory?: string;
  /** `--env-file`, in order. */
  envFiles?: string[];
  /** `--profile`; COMPOSE_PROFILES from the environment is added. */
  profiles?: string[];
  /** Services named on the command line: they and their dependencies are enabled whatever their profiles. */
  services?: string[];
  /** The OS environment (default: process.env). Never mutated. */
  env?: Record<string, string | undefined>;
  /** `--no-interpolate` sets this to false. */
  interpolate?: boolean;
  /** `--no-normalize` sets this to false: the merged document is returned as written. */
  normalize?: boolean;
  /** Reads the document given as `-f -`. */
  readStdin?: () => Promise<string>;
}

/** A loaded project and what was learnt on the way. */
export interface LoadedProject {
  /** The canonical model (or, with `normalize: false`, the merged document with `name` set). */
  project: Project;
  /** The compose files read, in order (included and extended files are not listed). */
  files: string[];
  projectDir: string;
  /** The environment used for interpolation (OS env over .env files). */
  environment: Record<string, string>;
  /** Things a user should know but that do not stop the load (unset variables, several compose files …). */
  warnings: string[];
}

/**
 * Loads a compose project the way Docker Compose v2 does: discover files, build the environment,
 * parse + interpolate + validate each file, resolve include/extends, merge, then normalize, apply
 * profiles and check consistency. Throws `ComposeError` (with file:line:col where known) on bad input.
 */
export async function loadProject(options: LoadOptions = {}): Promise<LoadedProject> {
  const osEnv = options.env ?? process.env;
  const workingDir = resolve(options.workingDir ?? process.cwd());
  const discovered = discoverComposeFiles({
    files: options.files,
    workingDir,
    env: osEnv,
    projectDirectory: options.projectDirectory ? resolve(workingDir, options.projectDirectory) : undefined,
  });
  const warnings = [...(discovered.warnings ?? [])];
  const envFiles = options.envFiles?.map((f) => resolve(workingDir, f));
  const environment = loadProjectEnvironment({ projectDir: discovered.projectDir, envFiles, osEnv });
  const loader = new ProjectFileLoader(environment, options, warnings);

  let merged: unknown = {};
  for (const file of discovered.files) {
    const data = await loader.loadFile(file === "-" ? "-" : file, []);
    merged = loader.guard(() => mergeComposeData(merged, data));
  }
  const doc = merged as Record<string, unknown>;
  const name = loader.guard(() =>
    resolveProjectName({
      flag: options.projectName,
      env: { ...environment, ...filterDefined(osEnv) },
      nameFromFile: typeof doc.name === "string" ? doc.name : undefined,
      projectDir: discovered.projectDir,
    }),
  );

  let project: Project;
  if (options.normalize === false) {
    project = { ...doc, name } as unknown as Project;
  } else {
    project = loader.guard(() => {
      const normalized = normalizeProject(doc, { name, projectDir: discovered.projectDir, env: environment });
      const profiles = [...(options.profiles ?? []), ...splitList(osEnv.COMPOSE_PROFILES)];
      const selected = applyProfiles(normalized, { profiles, services: options.services });
      checkConsistency(selected);
      return selected;
    });
  }
  return { project, files: discovered.files, projectDir: discovered.projectDir, environment, warnings };
}

/** Reads, interpolates, validates and expands one file at a time, remembering every source for error locations. */
class ProjectFileLoader {
  private readonly sources: ComposeSource[] = [];

  constructor(
    private readonly environment: Record<string, string>,
    private readonly options: LoadOptions,
    private readonly warnings: string[],
  ) {}

  /** Runs `fn`, attaching the source location of a thrown ComposeError's path. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.locate(e);
    }
  }

  private locate(e: unknown): unknown {
    if (!(e instanceof ComposeError) || e.location || !e.path) return e;
    return e.withLocation(locateInSources(this.sources, e.path));
  }

  /** One file, fully expanded (includes and extends resolved); `stack` holds the include chain. */
  async loadFile(file: string, stack: string[]): Promise<unknown> {
    try {
      const source = await this.readSource(file);
      let data: unknown = source.data;
      data = await resolveIncludes(data, {
        source,
        stack: [...stack, source.file],
        loadIncluded: (req) => this.loadIncluded(req, [...stack, source.file]),
      });
      data = await resolveExtends(data, { source, loadFile: (path) => this.readSource(path) });
      return data;
    } catch (e) {
      throw this.locate(e);
    }
  }

  /** Parses, interpolates and validates a file. Sources are cached so extends from one file parse it once. */
  private readonly cache = new Map<string, Promise<ComposeSource>>();
  readSource(file: string): Promise<ComposeSource> {
    let hit = this.cache.get(file);
    if (!hit) {
      hit = this.parseSource(file);
      this.cache.set(file, hit);
    }
    return hit;
  }

  private async parseSource(file: string): Promise<ComposeSource> {
    const text = await this.readText(file);
    const parsed = parseComposeYaml(text, file);
    this.sources.push(parsed);
    const data =
      this.options.interpolate === false
        ? parsed.data
        : this.guard(() =>
            interpolateData(parsed.data, (name) => this.environment[name], [], {
              onMissing: (name) => this.warnUnset(name),
            }),
          );
    const source: ComposeSource = {
      file: parsed.file,
      dir: parsed.dir,
      data,
      locate: (p) => parsed.locate(p),
    };
    validateComposeData(stripYamlTags(data), (path) => parsed.locate(path)?.location);
    return source;
  }

  private readonly warned = new Set<string>();
  /** Compose's warning for a variable used without a default (`$X`, `${X}`) that is not set; once per name. */
  private warnUnset(name: string): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    this.warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`);
  }

  private async readText(file: string): Promise<string> {
    if (file === "-") {
      if (!this.options.readStdin)
        throw new ComposeError({ code: "E_FILE", detail: "cannot read compose file from stdin" });
      return this.options.readStdin();
    }
    try {
      return await readFile(file, "utf8");
    } catch (e) {
      throw new ComposeError({
        code: "E_FILE",
        detail: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
        hint: "check the path and its permissions",
        cause: e,
      });
    }
  }

  private async loadIncluded(
    req: { files: string[]; projectDir: string; envFiles: string[] },
    stack: string[],
  ): Promise<unknown> {
    const sub = new ProjectFileLoader(
      loadProjectEnvironment({
        projectDir: req.projectDir,
        // An included project's default .env is optional, as in Compose.
        envFiles: req.envFiles.filter((f) => existsSync(f)),
        osEnv: this.options.env ?? process.env,
      }),
      this.options,
      this.warnings,
    );
    let merged: unknown = {};
    for (const file of req.files) {
      const data = await sub.loadFile(file, stack);
      merged = sub.guard(() => mergeComposeData(merged, data));
    }
    this.sources.push(...sub.sources);
    return rebaseProjectPaths(merged, req.projectDir);
  }
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function filterDefined(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
