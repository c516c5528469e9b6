import { invalidArgument } from "@tsc/core";
import type { OciImageConfig } from "./oci.js";

/**
 * Applies Dockerfile-style `--change` instructions (CMD, ENTRYPOINT, ENV, WORKDIR, EXPOSE, USER,
 * LABEL, VOLUME, STOPSIGNAL) to an image config, as `docker import --change` does. Exec form
 * (`CMD ["a","b"]`) is kept; shell form becomes `/bin/sh -c …`.
 */
export function applyChanges(config: OciImageConfig, changes: readonly string[]): OciImageConfig {
  const out: OciImageConfig = { ...config };
  for (const change of changes) {
    const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(change);
    if (!m)
      throw invalidArgument(`invalid --change ${JSON.stringify(change)}`, {
        hint: 'use e.g. "CMD [\\"sh\\"]" or "ENV A=1"',
      });
    const [, word, arg] = m as unknown as [string, string, string];
    switch (word.toUpperCase()) {
      case "CMD":
        out.Cmd = commandForm(arg);
        break;
      case "ENTRYPOINT":
        out.Entrypoint = commandForm(arg);
        break;
      case "ENV": {
        const env = new Map((out.Env ?? []).map((e) => [e.split("=")[0]!, e] as const));
        for (const [k, v] of keyValues(arg, change)) env.set(k, `${k}=${v}`);
        out.Env = [...env.values()];
        break;
      }
      case "LABEL":
        out.Labels = { ...out.Labels, ...Object.fromEntries(keyValues(arg, change)) };
        break;
      case "WORKDIR":
        out.WorkingDir = arg.trim();
        break;
      case "USER":
        out.User = arg.trim();
        break;
      case "STOPSIGNAL":
        out.StopSignal = arg.trim();
        break;
      case "EXPOSE":
        out.ExposedPorts = { ...out.ExposedPorts };
        for (const p of arg.trim().split(/\s+/)) out.ExposedPorts[p.includes("/") ? p : `${p}/tcp`] = {};
        break;
      case "VOLUME":
        out.Volumes = { ...out.Volumes };
        for (const v of arg.trim().startsWith("[") ? (JSON.parse(arg) as string[]) : arg.trim().split(/\s+/))
          out.Volumes[v] = {};
        break;
      default:
        throw invalidArgument(`unsupported --change instruction ${JSON.stringify(word)}`, {
          hint: "use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR",
        });
    }
  }
  return out;
}

function commandForm(arg: string): string[] {
  const text = arg.trim();
  if (text.startsWith("[")) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (Array.isArray(parsed) && parsed.every((s) => typeof s === "string")) return parsed;
    } catch {
      /* fall through to shell form, as Docker does */
    }
  }
  return ["/bin/sh", "-c", text];
}

function keyValues(arg: string, change: string): [string, string][] {
  const text = arg.trim();
  const eq = /^[^\s=]+=/.test(text);
  if (!eq) {
    const sp = text.indexOf(" ");
    if (sp === -1) throw invalidArgument(`invalid --change ${JSON.stringify(change)}: expected KEY=VALUE`);
    return [[text.slice(0, sp), text.slice(sp + 1).trim()]];
  }
  const out: [string, string][] = [];
  for (const m of text.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = m[2]!;
    out.push([m[1]!, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw]);
  }
  return out;
}
