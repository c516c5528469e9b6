import type { ComposeEngine } from "../engine.js";
import { Progress } from "../progress.js";
import { waitFor } from "./wait.js";

/**
 * Stops the project's services (every one when `services` is empty) as `docker compose stop` does:
 * the engine stops their containers within `timeout` seconds (else each container's own stop
 * timeout) and keeps them; this waits until none of their tasks runs, showing a `Stopping` line per
 * running container and then `Stopped` (on `shown`, when the caller has a display of its own). Resolves undefined once they stopped, or, when some did not
 * within two minutes, the message that says which and what to do.
 */
export async function stopServices(
  engine: ComposeEngine,
  project: string,
  services: string[],
  timeout?: number,
  shown?: Progress,
): Promise<string | undefined> {
  const client = await engine.client();
  const before = await engine.containers(project, { all: true, services });
  await client.call("Stacks", "setState", {
    project,
    services,
    action: "stop",
    ...(timeout !== undefined && { timeout }),
  });
  // A caller's display (down's, for its layers) stays open for the caller to end.
  const progress = shown ?? new Progress(engine.progressMode(), "Stopping");
  const end = (): void => {
    if (!shown) progress.end();
  };
  const names = before.map((c) => c.names[0]!.slice(1));
  for (const [i, c] of before.entries())
    if (c.state === "running") progress.set("Container", names[i]!, "Stopping");
  const verdict = await waitFor(
    engine,
    project,
    (v) => ({
      done: !v.tasks.some(
        (t) => (!services.length || services.includes(t.service)) && t.status.state === "running",
      ),
    }),
    120_000,
    true,
  );
  if ("timedOut" in verdict && verdict.timedOut) {
    end();
    const still = (await engine.containers(project, { all: false, services })).map((c) =>
      c.names[0]!.slice(1),
    );
    return (
      `tsc-compose: timed out waiting for containers to stop: ${still.join(", ")}; ` +
      "force them with `tsc-compose kill`"
    );
  }
  for (const name of names) progress.set("Container", name, "Stopped", { done: true });
  end();
  return undefined;
}
