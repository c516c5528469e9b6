import { Agent } from "@tsc/agent";
import type { AgentOptions } from "@tsc/agent";
import type { HostAddress, TlsFiles } from "@tsc/api";
import { ApiServer, formatHost } from "@tsc/api";
import { containersService } from "./services/containers.js";
import { imagesService } from "./services/images.js";
import { networksService, volumesService } from "./services/networks.js";
import { systemService } from "./services/system.js";

/** How tscd runs. */
export interface DaemonOptions extends AgentOptions {
  hosts: HostAddress[];
  tls?: TlsFiles;
  /** Logs every API call and reply (secrets redacted) as one JSON line each. */
  traceApi?: boolean;
  log?: (line: string) => void;
}

/**
 * tscd: the host's agent (the only owner of its runtime) behind the gRPC API. The cluster
 * manager, when it comes, lives beside the agent in this process and sends it work through the
 * same Agent methods the API services use.
 */
export class Daemon {
  private constructor(
    readonly agent: Agent,
    readonly api: ApiServer,
  ) {}

  /** Opens the agent (recovering containers) and starts serving on every host address. */
  static async start(opts: DaemonOptions): Promise<Daemon> {
    const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
    const agent = await Agent.open({ ...opts, log });
    const api = new ApiServer(opts.traceApi ? (l) => log(`trace ${l}`) : undefined);
    api.addService("Containers", containersService(agent));
    api.addService("Images", imagesService(agent));
    api.addService("Networks", networksService(agent));
    api.addService("Volumes", volumesService(agent));
    api.addService(
      "System",
      systemService(agent, { dataRoot: opts.dataRoot, hosts: opts.hosts.map(formatHost) }),
    );
    try {
      for (const h of opts.hosts) await api.listen(h, h.kind === "tcp" ? opts.tls : undefined);
    } catch (e) {
      await api.close(0);
      await agent.close();
      throw e;
    }
    agent.events.publish("daemon", "start", "tscd", {});
    return new Daemon(agent, api);
  }

  /** Stops serving; containers keep running (live restore) and are re-adopted by the next start. */
  async stop(): Promise<void> {
    await this.api.close();
    await this.agent.close();
  }
}
