import type { TransferProgress, TscClient } from "@tsc/api";
import { isTscError } from "@tsc/core";
import type { ServiceSpec } from "@tsc/manager";
import { ExitError } from "../../common/run-cli.js";
import { registryAuthFor } from "../../ctl/pull.js";
import { daemonError } from "../../ctl/shared.js";
import type { ProgressMode } from "../progress.js";
import { Progress } from "../progress.js";

/** A service's image pull policy, as `--pull` and `pull_policy` give it. */
export type PullPolicy = "always" | "missing" | "never";

/** What {@link planPulls} decided: the images to pull (with the services using each) and the images missing under `never`. */
export interface PullPlan {
  pulls: Map<string, string[]>;
  missing: string[];
}

/**
 * Compose's choice of what `up`/`create` pull first: a service's image under `always`, or under
 * `missing` (the default) when the engine lacks it; under `never` a missing image is an error.
 * `policy` (`--pull`) overrides every service's `pull_policy`.
 */
export function planPulls(
  services: ServiceSpec[],
  policy: PullPolicy | undefined,
  present: (image: string) => boolean,
): PullPlan {
  const pulls = new Map<string, string[]>();
  const missing = new Set<string>();
  for (const s of services) {
    const image = s.container.image;
    const p = policy ?? s.container.pull ?? "missing";
    if (p === "never") {
      if (!present(image)) missing.add(image);
    } else if (p === "always" || !present(image)) pulls.set(image, [...(pulls.get(image) ?? []), s.name]);
  }
  return { pulls, missing: [...missing] };
}

/** Whether the engine has `image`. */
async function hasImage(client: TscClient, image: string): Promise<boolean> {
  try {
    await client.call("Images", "inspect", { id: image });
    return true;
  } catch (e) {
    if (isTscError(e, "NotFound")) return false;
    throw e;
  }
}

/** Pulls `image` through the engine, showing its layers' states on `progress`. */
async function pullImage(client: TscClient, image: string, progress: Progress): Promise<void> {
  const stream = client.serverStream<TransferProgress>("Images", "pull", {
    reference: image,
    registryAuth: await registryAuthFor(image),
  }) as AsyncIterable<TransferProgress>;
  try {
    for await (const p of stream)
      if (!p.result)
        progress.set("", p.id, p.status, {
          done: p.status === "Pull complete" || p.status === "Already exists",
        });
  } catch (e) {
    throw client.toTscError(e);
  }
}

/**
 * Before a deploy, as Compose's `up`: pulls the images `services` need (` web Pulling` … ` web
 * Pulled`, all at once) and fails, before anything is deployed, when a pull fails (` web Error …`)
 * or an image is missing under `never`. An image pulled here under `always` is not pulled again
 * when its container is created: such services' policy is dropped from `services` (the agent's
 * default, `missing`, then finds the image).
 */
export async function ensureImages(
  client: TscClient,
  services: ServiceSpec[],
  policy: PullPolicy | undefined,
  mode: ProgressMode,
): Promise<void> {
  const images = [...new Set(services.map((s) => s.container.image))];
  const present = new Set<string>();
  await Promise.all(
    images.map(async (image) => {
      if (await hasImage(client, image)) present.add(image);
    }),
  );
  const { pulls, missing } = planPulls(services, policy, (image) => present.has(image));
  if (missing.length > 0)
    throw new ExitError(
      1,
      missing
        .map((image) => `Error response from daemon: No such image: ${image}`)
        .concat(
          "tsc-compose: pull them first (`tsc-compose pull`), or allow pulls (`--pull missing`, or the service's pull_policy)",
        )
        .join("\n"),
    );
  if (pulls.size === 0) return;
  const progress = new Progress(mode, "Pulling");
  const failures: unknown[] = [];
  await Promise.all(
    [...pulls].map(async ([image, users]) => {
      for (const name of users) progress.set("", name, "Pulling");
      try {
        await pullImage(client, image, progress);
        for (const name of users) progress.set("", name, "Pulled", { done: true });
      } catch (e) {
        const message = isTscError(e) ? e.message : (e as Error).message;
        for (const name of users) progress.set("", name, `Error ${message}`, { done: true, error: true });
        failures.push(e);
      }
    }),
  );
  progress.end();
  if (failures.length > 0) throw new ExitError(1, daemonError(failures[0]));
  for (const s of services) if (s.container.pull === "always") delete s.container.pull;
}
