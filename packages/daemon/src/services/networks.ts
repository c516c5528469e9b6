import type { Agent } from "@tsc/agent";
import { DEFAULT_NETWORK } from "@tsc/agent";
import type {
  ConnectRequest,
  CreateNetworkRequest,
  CreateVolumeRequest,
  PruneReply,
  PruneRequest,
  Ref,
  ServiceImpl,
} from "@tsc/api";
import { failedPrecondition, invalidArgument, TscError } from "@tsc/core";
import { pruneNetworks, pruneVolumes } from "./prune.js";

/** The containers whose sandboxes have an endpoint on the network `networkId` (sandboxes are not containers). */
async function containersOn(agent: Agent, networkId: string): Promise<{ id: string; name: string }[]> {
  const sandboxes = new Set(
    (await agent.networks.listSandboxes())
      .filter((s) => s.attachments.some((a) => a.networkId === networkId))
      .map((s) => s.containerId),
  );
  return agent.containers
    .list({ all: true })
    .filter((c) => sandboxes.has(agent.metaOf(c.id)?.sandbox ?? ""))
    .map((c) => ({ id: c.id, name: c.name }));
}

/** A container, a network, and whether the container has an endpoint on it (named as `ps` names it). */
async function endpointOf(agent: Agent, network: string, container: string) {
  const rec = agent.containers.get(container);
  const net = await agent.networks.get(network);
  const attached = (agent.metaOf(rec.id)?.endpoints ?? []).some((e) => e.networkId === net.id);
  return { rec, net, attached };
}

/** The Networks service over the agent. */
export function networksService(agent: Agent): ServiceImpl {
  const nets = agent.networks;
  return {
    async create(req: CreateNetworkRequest) {
      if (req.driver && req.driver !== "bridge")
        throw invalidArgument(
          `network driver ${JSON.stringify(req.driver)} is not supported on a single host`,
          {
            hint: "use the bridge driver (overlay networks come with tsc-swarm)",
          },
        );
      const net = await nets.create(req.name, {
        ...(req.subnet ? { subnet: req.subnet } : {}),
        ...(req.gateway ? { gateway: req.gateway } : {}),
        internal: req.internal,
        labels: req.labels,
      });
      agent.events.publish("network", "create", net.id, { name: net.name, type: "bridge" });
      return { id: net.id };
    },
    async list() {
      const networks = (await nets.list())
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((n) => ({
          id: n.id,
          name: n.name,
          driver: n.driver,
          scope: "local",
          subnet: n.subnet,
          created: n.created,
        }));
      return { networks };
    },
    async inspect(req: Ref) {
      return { json: JSON.stringify(await agent.inspectNetwork(req.id)) };
    },
    async remove(req: Ref) {
      const net = await nets.get(req.id);
      if (net.name === DEFAULT_NETWORK)
        throw failedPrecondition(`bridge is a pre-defined network and cannot be removed`);
      const users = await containersOn(agent, net.id);
      if (users.length > 0)
        throw failedPrecondition(
          `error while removing network: network ${net.name} has active endpoints (${users
            .map((c) => `name:${JSON.stringify(c.name)} id:${JSON.stringify(c.id.slice(0, 12))}`)
            .join(", ")})`,
          {
            hint: `disconnect them (\`tscctl network disconnect ${net.name} CONTAINER\`) or remove them first`,
          },
        );
      await nets.remove(net.id);
      agent.events.publish("network", "destroy", net.id, { name: net.name, type: "bridge" });
      return {};
    },
    async connect(req: ConnectRequest) {
      const { rec, net, attached } = await endpointOf(agent, req.network, req.container);
      if (attached)
        throw new TscError(
          "AlreadyExists",
          `endpoint with name ${rec.name} already exists in network ${net.name}`,
        );
      await agent.connect(req.network, req.container, {
        aliases: req.aliases,
        ...(req.ipv4Address ? { ipv4Address: req.ipv4Address } : {}),
      });
      return {};
    },
    async disconnect(req: ConnectRequest) {
      const { rec, net, attached } = await endpointOf(agent, req.network, req.container);
      if (!attached)
        throw failedPrecondition(`container ${rec.id} is not connected to network ${net.name}`, {
          hint: `its networks are in \`tscctl inspect ${rec.name}\``,
        });
      await agent.disconnect(req.network, req.container);
      return {};
    },
    async prune() {
      return { names: await pruneNetworks(agent) };
    },
  };
}

/** The Volumes service over the agent's volume manager. */
export function volumesService(agent: Agent): ServiceImpl {
  const vols = agent.volumes;
  return {
    async create(req: CreateVolumeRequest) {
      const name = req.name || (await import("node:crypto")).randomBytes(32).toString("hex");
      if (req.driver && req.driver !== "local")
        throw invalidArgument(`volume driver ${JSON.stringify(req.driver)} is not supported`, {
          hint: "use the local driver",
        });
      // No -o: an existing volume of that name is returned as it is (as Docker's).
      const options = Object.keys(req.options).length ? { options: req.options } : {};
      const v = await vols.create(name, { driver: "local", ...options, labels: req.labels });
      agent.events.publish("volume", "create", v.Name, { driver: "local" });
      return { id: v.Name };
    },
    async list() {
      return { json: JSON.stringify(await vols.list()) };
    },
    async inspect(req: Ref) {
      const { UsedBy: _u, ...doc } = await vols.inspect(req.id);
      return { json: JSON.stringify(doc) };
    },
    async remove(req: { name: string; force: boolean }) {
      await vols.remove(req.name, { force: req.force });
      agent.events.publish("volume", "destroy", req.name, { driver: "local" });
      return {};
    },
    async prune(req: PruneRequest): Promise<PruneReply> {
      return pruneVolumes(agent, req.all);
    },
  };
}
