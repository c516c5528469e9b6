import { existsSync } from "node:fs";
import { join } from "node:path";
import { TscError, unavailable } from "@tsc/core";
import { run } from "../util/exec.js";

/** Where Debian's containernetworking-plugins live. */
export const CNI_PATH = "/usr/lib/cni";
/** The CNI spec version tsc speaks (the plugins here support up to 1.0.0). */
export const CNI_VERSION = "1.0.0";

/** One plugin's configuration in a chain (`type` names the executable). */
export type PluginConf = { type: string } & Record<string, unknown>;

/** A network's plugin chain. */
export interface NetworkConfList {
  name: string;
  plugins: PluginConf[];
}

/** Per-attachment arguments (the CNI_* environment and runtime config). */
export interface CniRuntime {
  containerId: string;
  netnsPath: string;
  ifName: string;
  /** Passed to plugins that declare the capability (portmap: `portMappings`). */
  runtimeConfig?: Record<string, unknown>;
}

/** A plugin's error answer. */
interface CniErrorBody {
  code?: number;
  msg?: string;
  details?: string;
}

/** Runs one plugin executable with a command, its config on stdin, and returns its JSON answer. */
export async function invokePlugin(
  command: "ADD" | "DEL" | "CHECK",
  conf: PluginConf,
  list: NetworkConfList,
  rt: CniRuntime,
  prevResult?: unknown,
): Promise<unknown> {
  const bin = join(CNI_PATH, conf.type);
  if (!existsSync(bin))
    throw unavailable(`CNI plugin ${JSON.stringify(conf.type)} not found in ${CNI_PATH}`, {
      hint: "install it with: apt-get install containernetworking-plugins",
    });
  const caps = (conf.capabilities ?? {}) as Record<string, boolean>;
  const runtimeConfig = Object.fromEntries(Object.entries(rt.runtimeConfig ?? {}).filter(([k]) => caps[k]));
  const stdin = {
    ...conf,
    cniVersion: CNI_VERSION,
    name: list.name,
    ...(Object.keys(runtimeConfig).length ? { runtimeConfig } : {}),
    ...(prevResult ? { prevResult } : {}),
  };
  const r = await run(bin, [], {
    input: JSON.stringify(stdin),
    allowFailure: true,
    env: {
      PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
      CNI_COMMAND: command,
      CNI_CONTAINERID: rt.containerId,
      CNI_NETNS: rt.netnsPath,
      CNI_IFNAME: rt.ifName,
      CNI_PATH,
    },
  });
  if (r.code !== 0) {
    let err: CniErrorBody = {};
    try {
      err = JSON.parse(r.stdout) as CniErrorBody;
    } catch {
      /* not JSON */
    }
    const msg = [err.msg, err.details].filter(Boolean).join(": ") || r.stderr.trim() || `exit code ${r.code}`;
    throw new TscError("Internal", `CNI ${conf.type} ${command} failed: ${msg}`);
  }
  return r.stdout.trim() ? (JSON.parse(r.stdout) as unknown) : undefined;
}

/**
 * ADD through the chain in order, each plugin getting the previous result (the first gets
 * `prevResult`, when the chain continues an attachment made earlier). Undoes what succeeded on failure.
 */
export async function addNetwork(
  list: NetworkConfList,
  rt: CniRuntime,
  prevResult?: unknown,
): Promise<unknown> {
  let result: unknown = prevResult;
  const done: PluginConf[] = [];
  try {
    for (const conf of list.plugins) {
      result = await invokePlugin("ADD", conf, list, rt, result);
      done.push(conf);
    }
    return result;
  } catch (e) {
    await delNetwork({ ...list, plugins: done }, rt, result).catch(() => undefined);
    throw e;
  }
}

/** DEL through the chain in reverse order; every plugin is tried even if one fails. */
export async function delNetwork(list: NetworkConfList, rt: CniRuntime, prevResult?: unknown): Promise<void> {
  let first: unknown;
  for (const conf of [...list.plugins].reverse()) {
    try {
      await invokePlugin("DEL", conf, list, rt, prevResult);
    } catch (e) {
      first ??= e;
    }
  }
  if (first) throw first;
}
