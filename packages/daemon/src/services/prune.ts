import type { Agent } from "@tsc/agent";
import { DEFAULT_NETWORK } from "@tsc/agent";
import type { PruneReply } from "@tsc/api";

const STOPPED = new Set(["exited", "created", "dead"]);

/** `container prune`: removes every stopped container, counting what each wrote to its own layer. */
export async function pruneContainers(agent: Agent): Promise<PruneReply> {
  const out: PruneReply = { deleted: [], spaceReclaimed: 0 };
  for (const c of agent.containers.list({ all: true })) {
    if (!STOPPED.has(c.status)) continue;
    const size = await agent.containers.sizeRw(c.id).catch(() => 0);
    await agent.removeContainer(c.id);
    out.deleted.push(c.id);
    out.spaceReclaimed += size;
  }
  return out;
}

/** `network prune`: removes the networks no container is attached to (never `bridge`); returns their names. */
export async function pruneNetworks(agent: Agent): Promise<string[]> {
  const names: string[] = [];
  for (const n of await agent.networks.list()) {
    if (n.name === DEFAULT_NETWORK || agent.attached(n.id).length > 0) continue;
    await agent.networks.remove(n.id);
    agent.events.publish("network", "destroy", n.id, { name: n.name, type: "bridge" });
    names.push(n.name);
  }
  return names;
}

/** `image prune [-a]`: removes dangling (with `all`, unused) images, counting the sizes of those gone. */
export async function pruneImages(agent: Agent, all: boolean): Promise<PruneReply> {
  const before = await agent.images.list();
  const deleted = await agent.images.prune({ all });
  const left = new Set((await agent.images.list()).map((i) => i.Id));
  const spaceReclaimed = before.filter((i) => !left.has(i.Id)).reduce((n, i) => n + i.Size, 0);
  return { deleted, spaceReclaimed };
}

/** `volume prune [-a]`: removes unused anonymous (with `all`, every unused) volume. */
export async function pruneVolumes(agent: Agent, all: boolean): Promise<PruneReply> {
  const { names, spaceReclaimed } = await agent.volumes.prune({ all });
  for (const n of names) agent.events.publish("volume", "destroy", n, { driver: "local" });
  return { deleted: names, spaceReclaimed };
}
