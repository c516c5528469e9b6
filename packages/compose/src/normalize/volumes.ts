import type { JsonPath } from "../json-path.js";
import type { ServiceVolumeConfig } from "../model.js";
import { absolutePath, isHostPathSource } from "../rebase-paths.js";
import { toStringMap } from "./maps.js";
import { invalid, parseBool, parseBytes, parseFileMode } from "./units.js";

const VOLUME_HINT = "expected [SOURCE:]TARGET[:MODE], e.g. data:/data, ./conf:/etc/app:ro or /scratch";
const PROPAGATION = new Set(["shared", "rshared", "slave", "rslave", "private", "rprivate"]);
const CONSISTENCY = new Set(["consistent", "cached", "delegated"]);

/** Expands a service's `volumes` into long syntax, with bind sources absolute against `projectDir`. */
export function normalizeVolumes(
  volumes: unknown[],
  projectDir: string,
  path: JsonPath,
): ServiceVolumeConfig[] {
  return volumes.map((v, i) =>
    typeof v === "string"
      ? parseShortVolume(v, projectDir, [...path, i])
      : normalizeLongVolume(v as Record<string, unknown>, projectDir, [...path, i]),
  );
}

function parseShortVolume(spec: string, projectDir: string, path: JsonPath): ServiceVolumeConfig {
  const parts = spec.split(":");
  const bad = (why: string): never =>
    invalid(path, `${JSON.stringify(spec)} is not a valid volume: ${why}`, VOLUME_HINT);
  if (parts.some((p) => p === "") && parts.length > 1) bad("empty section");
  if (parts.length === 1) {
    if (!parts[0]!.startsWith("/")) bad("a lone target must be an absolute path");
    return { type: "volume", target: parts[0]! };
  }
  if (parts.length > 3) bad("too many sections");
  const [source, target, mode] = parts as [string, string, string | undefined];
  if (!target.startsWith("/")) bad(`the target ${JSON.stringify(target)} must be an absolute path`);
  const bind = isHostPathSource(source);
  const out: ServiceVolumeConfig = bind
    ? { type: "bind", source: absolutePath(projectDir, source), target, bind: { create_host_path: true } }
    : { type: "volume", source, target, volume: {} };
  for (const opt of mode ? mode.split(",") : []) {
    if (opt === "ro") out.read_only = true;
    else if (opt === "rw") out.read_only = false;
    else if (opt === "nocopy" && !bind) out.volume = { nocopy: true };
    else if ((opt === "z" || opt === "Z") && bind) out.bind = { ...out.bind, selinux: opt };
    else if (PROPAGATION.has(opt) && bind) out.bind = { ...out.bind, propagation: opt };
    else if (CONSISTENCY.has(opt)) out.consistency = opt;
    else bad(`unknown mode ${JSON.stringify(opt)}`);
  }
  if (out.type === "volume" && out.volume && Object.keys(out.volume).length === 0) delete out.volume;
  return out;
}

function normalizeLongVolume(
  v: Record<string, unknown>,
  projectDir: string,
  path: JsonPath,
): ServiceVolumeConfig {
  const out = { ...v } as Record<string, unknown>;
  if (typeof v.target !== "string" || v.target === "")
    invalid(path, "a mount needs a target", "add target: /path/in/container");
  if (v.type === "bind") {
    if (typeof v.source !== "string" || v.source === "")
      invalid([...path, "source"], "a bind mount needs a source path");
    out.source = absolutePath(projectDir, v.source as string);
  }
  if (v.read_only !== undefined) out.read_only = parseBool(v.read_only, [...path, "read_only"]);
  const bind = v.bind as Record<string, unknown> | undefined;
  if (bind?.create_host_path !== undefined)
    out.bind = {
      ...bind,
      create_host_path: parseBool(bind.create_host_path, [...path, "bind", "create_host_path"]),
    };
  const volume = v.volume as Record<string, unknown> | undefined;
  if (volume) {
    const vol: Record<string, unknown> = { ...volume };
    if (volume.nocopy !== undefined) vol.nocopy = parseBool(volume.nocopy, [...path, "volume", "nocopy"]);
    if (volume.labels !== undefined) vol.labels = toStringMap(volume.labels);
    out.volume = vol;
  }
  const tmpfs = v.tmpfs as Record<string, unknown> | undefined;
  if (tmpfs) {
    const t: Record<string, unknown> = { ...tmpfs };
    if (tmpfs.size !== undefined) t.size = parseBytes(tmpfs.size, [...path, "tmpfs", "size"]);
    if (tmpfs.mode !== undefined) t.mode = parseFileMode(tmpfs.mode, [...path, "tmpfs", "mode"]);
    out.tmpfs = t;
  }
  return out as unknown as ServiceVolumeConfig;
}
