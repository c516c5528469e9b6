import type { ModelConfig, NetworkConfig, Project, ServiceConfig } from "../model.js";
import { MappingFileReader } from "./mapping-files.js";
import { DEFAULT_NETWORK } from "./networks.js";
import type { ResourceKind } from "./resources.js";
import { normalizeResources } from "./resources.js";
import { normalizeService } from "./service.js";
import { isData } from "./values.js";

/** What normalization needs besides the document. */
export interface NormalizeContext {
  /** The project name, already resolved (see resolveProjectName). */
  name: string;
  /** Absolute; relative paths resolve against it. */
  projectDir: string;
  /** The project environment (OS environment over .env): values for variables named without one. */
  env: Record<string, string>;
}

const RESOURCE_KINDS: readonly ResourceKind[] = ["networks", "volumes", "secrets", "configs"];

/**
 * Turns a merged, interpolated, schema-valid compose document into the canonical project that
 * `docker compose config` prints: every service normalized (see model.ts), top-level resources
 * named, the implicit `default` network declared when a service uses it, `x-*` extensions kept.
 * Reads the services' env_file and label_file files. Throws ComposeError (with the JSON path) for
 * values the schema accepts but that mean nothing, like a port "80:80:80".
 */
export function normalizeProject(data: unknown, ctx: NormalizeContext): Project {
  const doc = isData(data) ? data : {};
  const serviceCtx = {
    projectDir: ctx.projectDir,
    lookup: (name: string) => ctx.env[name],
    files: new MappingFileReader(),
  };
  const services: Record<string, ServiceConfig> = {};
  if (isData(doc.services))
    for (const [name, svc] of Object.entries(doc.services))
      services[name] = normalizeService(name, svc, serviceCtx);

  const project: Project = { name: ctx.name, services };
  const resourceCtx = { projectName: ctx.name, projectDir: ctx.projectDir };
  for (const kind of RESOURCE_KINDS) {
    const group = normalizeResources(kind, doc[kind], resourceCtx);
    if (kind === "networks") addDefaultNetwork(group as Record<string, NetworkConfig>, services, ctx.name);
    if (Object.keys(group).length > 0) Object.assign(project, { [kind]: group });
  }
  if (isData(doc.models)) project.models = doc.models as Record<string, ModelConfig>;
  for (const key of Object.keys(doc)) if (key.startsWith("x-")) project[key as `x-${string}`] = doc[key];
  return project;
}

/** Declares the implicit `default` network (`<project>_default`) when a service joins it and the file does not. */
function addDefaultNetwork(
  networks: Record<string, NetworkConfig>,
  services: Record<string, ServiceConfig>,
  projectName: string,
): void {
  if (networks[DEFAULT_NETWORK]) return;
  if (Object.values(services).some((s) => s.networks && DEFAULT_NETWORK in s.networks))
    networks[DEFAULT_NETWORK] = { name: `${projectName}_${DEFAULT_NETWORK}` };
}
