import type { ContainerSummary } from "@tsc/api";
import type { LoadedProject } from "@tsc/compose";
import { loadProject, noSuchService } from "@tsc/compose";
import type { ServiceView, StoredStack, Task } from "@tsc/manager";
import type { Command } from "commander";
import { CtlContext } from "../ctl/context.js";
import type { Ctl } from "../ctl/shared.js";
import type { ComposeGlobalFlags } from "./global-options.js";
import { loadOptionsFrom } from "./global-options.js";
import type { ProgressMode } from "./progress.js";
import { SERVICE_LABEL } from "./convert/container.js";

/** A stack's state as the daemon reports it. */
export interface StackView {
  stack: StoredStack | null;
  services: ServiceView[];
  tasks: Task[];
  /** The store revision the view was read at (for `view`'s `afterRevision`). */
  revision?: number;
}

/**
 * What every engine command of tsc-compose shares: the loaded project (lazily), the project name
 * (from `-p`, else the compose files), and the daemon connection (`-H` / TSC_HOST, else the local
 * socket, starting tscd if needed).
 */
export class ComposeEngine implements Ctl {
  private loaded: LoadedProject | undefined;
  readonly ctx: CtlContext;

  constructor(private readonly globals: () => ComposeGlobalFlags & { host?: string }) {
    this.ctx = new CtlContext({ host: globals().host });
  }

  /** The global `--progress` mode (`auto` when not given), for commands without their own. */
  progressMode(): ProgressMode {
    return this.globals().progress ?? "auto";
  }

  /** The daemon client. */
  client() {
    return this.ctx.connect();
  }

  /** Loads the compose project (once). */
  async load(services: string[] = []): Promise<LoadedProject> {
    this.loaded ??= await loadProject(loadOptionsFrom(this.globals(), services));
    return this.loaded;
  }

  /** The project name: `-p`, else the loaded project's. */
  async projectName(): Promise<string> {
    const p = this.globals().projectName;
    if (p) return p;
    return (await this.load()).project.name;
  }

  /** Services, tasks (current, or all with history) and the stack record. */
  async view(project: string, all = false, afterRevision = 0): Promise<StackView> {
    const c = await this.client();
    const r = await c.call<{ json: string }>("Stacks", "tasks", { project, all, afterRevision });
    return JSON.parse(r.json) as StackView;
  }

  /**
   * The project's containers (as `ps` rows), optionally only some services': a service that neither
   * the compose file nor the engine's stack has is Compose's "no such service" error.
   */
  async containers(
    project: string,
    opts: { all?: boolean; services?: string[] } = {},
  ): Promise<ContainerSummary[]> {
    if (opts.services?.length) await this.checkServices(project, opts.services);
    const c = await this.client();
    const r = await c.call<{ containers: ContainerSummary[] }>("Containers", "list", {
      all: opts.all ?? true,
      filters: [`label=com.docker.compose.project=${project}`],
      size: false,
    });
    const svc = (s: ContainerSummary) => s.labels[SERVICE_LABEL] ?? "";
    return r.containers
      .filter((s) => !opts.services?.length || opts.services.includes(svc(s)))
      .sort((a, b) => a.names[0]!.localeCompare(b.names[0]!));
  }

  private async checkServices(project: string, services: string[]): Promise<void> {
    const known = new Set(
      await this.load().then(
        (p) => Object.keys(p.project.services),
        () => [],
      ),
    );
    if (services.every((s) => known.has(s))) return;
    for (const s of (await this.view(project)).services) known.add(s.spec.name);
    const missing = services.find((s) => !known.has(s));
    if (missing !== undefined) throw noSuchService(missing, [...known]);
  }

  /** Closes the connection. */
  close(): void {
    this.ctx.close();
  }
}

/** Adds `-H/--host` to tsc-compose's global flags. */
export function addHostOption(program: Command): Command {
  return program.option("-H, --host <address>", "daemon socket to connect to (env TSC_HOST)");
}
