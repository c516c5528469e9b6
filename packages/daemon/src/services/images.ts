import { createReadStream, createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { ServerReadableStream, ServerWritableStream } from "@grpc/grpc-js";
import type { Agent } from "@tsc/agent";
import type {
  ImageSummaryMessage,
  PruneReply,
  PruneRequest,
  Ref,
  ServiceImpl,
  TransferProgress,
} from "@tsc/api";
import { isTscError, unavailable } from "@tsc/core";
import type { PullProgress, PushProgress } from "@tsc/runtime";
import { loadArchive, parseReference, RegistryClient, saveArchive } from "@tsc/runtime";
import { parseAuth } from "./auth.js";
import { pruneImages } from "./prune.js";

type Transfer = ServerWritableStream<{ reference: string; registryAuth: string }, TransferProgress>;

/**
 * Streams a pull's or push's progress; the last message carries its `result` (the manifest digest)
 * and, for a pull, in `status` whether it got a newer image (`Downloaded newer image`, else
 * `Image is up to date`).
 */
async function runTransfer(
  call: Transfer,
  run: (onProgress: (p: PullProgress | PushProgress) => void) => Promise<{ result: string; status?: string }>,
): Promise<void> {
  const onProgress = (p: PullProgress | PushProgress): void => {
    const sizes = "total" in p ? { current: p.current ?? 0, total: p.total ?? 0 } : { current: 0, total: 0 };
    call.write({ id: p.id.replace(/^sha256:/, "").slice(0, 12), status: p.status, ...sizes, result: "" });
  };
  const { result, status } = await run(onProgress);
  call.write({ id: "", status: status ?? "done", current: 0, total: 0, result });
}

/** Docker's pull outcomes, as `Status: … for REF` shows them. */
const PULL_STATUS = { newer: "Downloaded newer image", upToDate: "Image is up to date" } as const;

/** Receives a client stream of chunks into a temporary file; returns its path. */
async function receiveFile(
  call: ServerReadableStream<{ data: Buffer }, unknown>,
  file: string,
): Promise<Record<string, unknown>> {
  const out = createWriteStream(file);
  let first: Record<string, unknown> | undefined;
  for await (const m of call as AsyncIterable<{ data: Buffer } & Record<string, unknown>>) {
    first ??= m;
    if (m.data.length && !out.write(m.data)) await new Promise<void>((res) => out.once("drain", () => res()));
  }
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
  return first ?? {};
}

/** The Images service over the agent's image store. */
export function imagesService(agent: Agent): ServiceImpl {
  const store = agent.images;
  return {
    async list() {
      const used = new Map<string, number>();
      for (const c of agent.containers.list({ all: true }))
        used.set(c.imageId, (used.get(c.imageId) ?? 0) + 1);
      const images: ImageSummaryMessage[] = (await store.list()).map((i) => ({
        id: i.Id,
        repoTags: i.RepoTags,
        created: i.Created ?? "",
        size: i.Size,
        containers: used.get(i.Id) ?? 0,
        repoDigests: i.RepoDigests,
      }));
      return { images };
    },
    async inspect(req: Ref) {
      const { Holders: _h, ...doc } = await store.inspect(req.id);
      return { json: JSON.stringify(doc) };
    },
    pull: (call: Transfer) =>
      runTransfer(call, async (onProgress) => {
        const ref = call.request.reference;
        const before = await store.find(ref).then(
          (f) => f.id,
          () => undefined,
        );
        const id = await agent.pull(ref, { credentials: parseAuth(call.request.registryAuth), onProgress });
        return {
          result: (await store.repoDigest(ref)) ?? id,
          status: before === id ? PULL_STATUS.upToDate : PULL_STATUS.newer,
        };
      }),
    push: (call: Transfer) =>
      runTransfer(call, async (onProgress) => ({
        result: await agent.push(call.request.reference, {
          credentials: parseAuth(call.request.registryAuth),
          onProgress,
        }),
      })),
    async tag(req: { source: string; target: string }) {
      await store.tag(req.source, req.target);
      agent.events.publish("image", "tag", req.source, { name: req.target });
      return {};
    },
    async remove(req: { reference: string; force: boolean }) {
      const r = await store.remove(req.reference, { force: req.force });
      for (const t of r.untagged) agent.events.publish("image", "untag", t, { name: t });
      for (const d of r.deleted) agent.events.publish("image", "delete", d, {});
      return r;
    },
    async load(call: ServerReadableStream<{ data: Buffer }, unknown>) {
      const dir = await store.tempDir();
      try {
        await receiveFile(call, `${dir}/archive.tar`);
        const loaded = await loadArchive(store, `${dir}/archive.tar`);
        const names = loaded.flatMap((l) => (l.tags.length ? l.tags : [l.id]));
        for (const n of names) agent.events.publish("image", "load", n, { name: n });
        return { loaded: names };
      } finally {
        await store.dropTemp(dir);
      }
    },
    async save(call: ServerWritableStream<{ references: string[] }, { data: Buffer }>) {
      const dir = await store.tempDir();
      try {
        await saveArchive(store, call.request.references, `${dir}/out.tar`);
        for await (const chunk of createReadStream(`${dir}/out.tar`, { highWaterMark: 1 << 20 })) {
          if (!call.write({ data: chunk as Buffer })) await new Promise((res) => call.once("drain", res));
        }
      } finally {
        await store.dropTemp(dir);
      }
    },
    async import(call: ServerReadableStream<{ data: Buffer }, unknown>) {
      const dir = await store.tempDir();
      try {
        const first = (await receiveFile(call, `${dir}/rootfs.tar`)) as {
          reference?: string;
          changes?: string[];
          message?: string;
        };
        const id = await store.import(`${dir}/rootfs.tar`, {
          ...(first.reference ? { ref: first.reference } : {}),
          changes: first.changes ?? [],
          ...(first.message ? { comment: first.message } : {}),
        });
        agent.events.publish("image", "import", id, first.reference ? { name: first.reference } : {});
        return { id };
      } finally {
        await store.dropTemp(dir);
        await rm(`${dir}/rootfs.tar`, { force: true });
      }
    },
    async history(req: Ref) {
      // Docker's rows, newest first: the image's ID and tags on the top row, `<missing>` on the
      // layers below (built elsewhere, they have no image of their own here).
      const [rows, image] = await Promise.all([store.history(req.id), store.inspect(req.id)]);
      const history = rows.map((r, i) => ({
        Id: i === 0 ? image.Id : "<missing>",
        ...r,
        Tags: i === 0 ? image.RepoTags : [],
      }));
      return { json: JSON.stringify(history) };
    },
    async prune(req: PruneRequest): Promise<PruneReply> {
      return pruneImages(agent, req.all);
    },
    async login(req: { server: string; username: string; password: string }) {
      const domain = parseReference(`${req.server}/x`).domain;
      const client = new RegistryClient(domain, {
        insecureRegistries: agent.opts.insecureRegistries,
        credentials: { username: req.username, password: req.password },
      });
      try {
        await client.request("GET", "/v2/", { scope: "", expect: [200] });
      } catch (e) {
        if (isTscError(e)) throw e;
        throw unavailable(`cannot log in to ${domain}: ${(e as Error).message}`, { cause: e });
      }
      return { status: "Login Succeeded" };
    },
  };
}
