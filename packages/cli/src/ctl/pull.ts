import type { TransferProgress, TscClient } from "@tsc/api";
import { existsSync } from "node:fs";
import cliProgress from "cli-progress";
import { humanSize } from "../common/human.js";
import { configPath } from "./config.js";

/** The registry credentials for an image's registry from our config, as the API carries them. */
export async function registryAuthFor(ref: string): Promise<string> {
  if (!existsSync(configPath())) return "";
  try {
    const { credentialsFor, parseReference } = await import("@tsc/runtime");
    const domain = parseReference(ref).domain;
    const creds = await credentialsFor(domain, configPath());
    return creds ? JSON.stringify(creds) : "";
  } catch {
    return "";
  }
}

/**
 * Shows a pull or push: on a TTY one bar per layer (cli-progress), otherwise one plain line per
 * state change; returns the last message: its `result` (the manifest digest) and `status` (for a
 * pull, `Downloaded newer image` or `Image is up to date`).
 */
export async function showTransfer(
  stream: AsyncIterable<TransferProgress>,
  out: NodeJS.WriteStream,
): Promise<{ result: string; status: string }> {
  const tty = Boolean(out.isTTY);
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          stream: out,
          format: "{id}: {state} [{bar}] {value_h}/{total_h}",
          hideCursor: true,
          clearOnComplete: false,
          barsize: 30,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bars = new Map<string, cliProgress.SingleBar>();
  const last = new Map<string, string>();
  let final = { result: "", status: "" };
  for await (const p of stream) {
    if (p.result) {
      final = { result: p.result, status: p.status };
      continue;
    }
    if (multi) {
      let bar = bars.get(p.id);
      const payload = {
        id: p.id,
        state: p.status.padEnd(18),
        value_h: humanSize(p.current),
        total_h: p.total ? humanSize(p.total) : "?",
      };
      if (!bar) {
        bar = multi.create(p.total || 1, p.current, payload);
        bars.set(p.id, bar);
      }
      if (p.total) bar.setTotal(p.total);
      bar.update(
        p.status.endsWith("complete") || p.status === "Pushed" || p.status === "Already exists"
          ? p.total || 1
          : p.current,
        payload,
      );
    } else if (last.get(p.id) !== p.status) {
      last.set(p.id, p.status);
      out.write(`${p.id}: ${p.status}\n`);
    }
  }
  multi?.stop();
  return final;
}

/** A pull or push through the Images service, with progress on `out`; returns its last message. */
async function transferWithProgress(
  client: TscClient,
  rpc: "pull" | "push",
  ref: string,
  out: NodeJS.WriteStream,
): Promise<{ result: string; status: string }> {
  const stream = client.serverStream<TransferProgress>("Images", rpc, {
    reference: ref,
    registryAuth: await registryAuthFor(ref),
  });
  try {
    return await showTransfer(stream as AsyncIterable<TransferProgress>, out);
  } catch (e) {
    throw client.toTscError(e);
  }
}

/**
 * `pull` with progress on `out`; returns the manifest digest and Docker's outcome (`Downloaded
 * newer image` or `Image is up to date`).
 */
export async function pullWithProgress(
  client: TscClient,
  ref: string,
  out: NodeJS.WriteStream,
): Promise<{ digest: string; status: string }> {
  const r = await transferWithProgress(client, "pull", ref, out);
  return { digest: r.result, status: r.status };
}

/** `push` with progress on `out`; returns the manifest digest. */
export async function pushWithProgress(
  client: TscClient,
  ref: string,
  out: NodeJS.WriteStream,
): Promise<string> {
  return (await transferWithProgress(client, "push", ref, out)).result;
}

/** A stream that drops what is written (`-q`: no progress). */
export function discardStream(): NodeJS.WriteStream {
  return Object.assign(Object.create(process.stderr), {
    write: () => true,
    isTTY: false,
  }) as NodeJS.WriteStream;
}
