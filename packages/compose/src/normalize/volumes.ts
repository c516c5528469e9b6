import { posix } from "node:path";
import type { JsonPath } from "../json-path.js";
import type { ServiceVolumeBind, ServiceVolumeConfig } from "../model.js";
import { absolutePath, isHostPathSource } from "../rebase-paths.js";
import { labelsMap } from "./maps.js";
import { parseBytes } from "./units.js";
import { at, invalid, isData, parseBool, parseInteger, quote, scalarText } from "./values.js";
import type { Data } from "./values.js";

const SHORT_HINT = "expected [SOURCE:]TARGET[:MODE], e.g. data:/data, ./conf:/etc/app:ro or /scratch";
const PROPAGATIONS: ReadonlySet<string> = new Set([
  "shared",
  "rshared",
  "slave",
  "rslave",
  "private",
  "rprivate",
]);
const CONSISTENCIES: ReadonlySet<string> = new Set(["consistent", "cached", "delegated"]);

/** Expands a service's `volumes` into long syntax, bind sources absolute against `projectDir`, targets cleaned. */
export function normalizeVolumes(
  volumes: unknown,
  projectDir: string,
  path: JsonPath,
): ServiceVolumeConfig[] {
  if (!Array.isArray(volumes)) return [];
  return volumes.map((v, i) =>
    isData(v)
      ? normalizeLongVolume(v, projectDir, at(path, i))
      : parseShortVolume(scalarText(v), projectDir, at(path, i)),
  );
}

/** `/ctr` (anonymous volume), `name:/ctr[:MODE]` (named volume) or `host-path:/ctr[:MODE]` (bind). */
function parseShortVolume(spec: string, projectDir: string, path: JsonPath): ServiceVolumeConfig {
  const bad = (why: string): never =>
    invalid(path, `${quote(spec)} is not a valid volume: ${why}`, SHORT_HINT);
  const parts = spec.split(":");
  if (parts.some((p) => p === "")) bad(parts.length === 1 ? "it is empty" : "empty section between colons");
  if (parts.length > 3) bad("too many colons");
  if (parts.length === 1) return { type: "volume", target: containerPath(parts[0]!, bad) };
  const [source, target, modes] = parts as [string, string, string | undefined];
  const out: ServiceVolumeConfig = isHostPathSource(source)
    ? {
        type: "bind",
        source: absolutePath(projectDir, source),
        target: containerPath(target, bad),
        bind: { create_host_path: true },
      }
    : { type: "volume", source, target: containerPath(target, bad) };
  for (const mode of modes ? modes.split(",") : []) applyMode(out, mode, bad);
  return out;
}

/** Applies one short-syntax mode (`ro`, `rw`, `nocopy`, `z`, `rslave`, `cached` …) to `volume`. */
function applyMode(volume: ServiceVolumeConfig, mode: string, bad: (why: string) => never): void {
  const bindOnly = (): ServiceVolumeBind => {
    if (volume.type !== "bind") bad(`mode ${quote(mode)} applies to bind mounts only`);
    return (volume.bind ??= {});
  };
  if (mode === "ro" || mode === "rw") volume.read_only = mode === "ro";
  else if (mode === "nocopy") {
    if (volume.type !== "volume") bad(`mode "nocopy" applies to named volumes only`);
    volume.volume = { ...volume.volume, nocopy: true };
  } else if (mode === "z" || mode === "Z") bindOnly().selinux = mode;
  else if (PROPAGATIONS.has(mode)) bindOnly().propagation = mode as ServiceVolumeBind["propagation"];
  else if (CONSISTENCIES.has(mode)) volume.consistency = mode;
  else bad(`unknown mode ${quote(mode)}`);
}

/** An absolute container path, cleaned as Go's path.Clean does (`/data/` → `/data`). */
function containerPath(target: string, bad: (why: string) => never): string {
  if (!target.startsWith("/")) bad(`the target ${quote(target)} must be an absolute path`);
  return cleanPath(target);
}

/** Matches what path.Clean would change: `//`, `.` or `..` segments, a trailing `/`. */
const UNCLEAN = /\/\/|\/\.\.?(\/|$)|.\/$/;

/** Go's path.Clean for absolute paths. */
export function cleanPath(p: string): string {
  if (!UNCLEAN.test(p)) return p;
  const normalized = posix.normalize(p);
  return normalized.length > 1 && normalized.endsWith("/") ? normalized.slice(0, -1) : normalized;
}

function normalizeLongVolume(v: Data, projectDir: string, path: JsonPath): ServiceVolumeConfig {
  const target = typeof v.target === "string" ? v.target : "";
  if (target === "") invalid(path, "a mount needs a target", "add target: /path/in/container");
  const out: Data = { ...v, target: v.type === "npipe" ? target : cleanPath(target) };
  if (v.type !== "npipe" && !target.startsWith("/"))
    invalid(
      at(path, "target"),
      `the target ${quote(target)} must be an absolute path`,
      "use a path like /data",
    );
  if (v.type === "bind") {
    if (typeof v.source !== "string" || v.source === "")
      invalid(path, "a bind mount needs a source path", "add source: ./dir or an absolute path");
    out.source = absolutePath(projectDir, v.source);
  }
  if (v.read_only !== undefined) out.read_only = parseBool(v.read_only, at(path, "read_only"));
  if (isData(v.bind)) out.bind = normalizeBindOptions(v.bind, at(path, "bind"));
  if (isData(v.volume)) out.volume = normalizeVolumeOptions(v.volume, at(path, "volume"));
  if (isData(v.tmpfs)) out.tmpfs = normalizeTmpfsOptions(v.tmpfs, at(path, "tmpfs"));
  return out as unknown as ServiceVolumeConfig;
}

function normalizeBindOptions(bind: Data, path: JsonPath): Data {
  const createHostPath =
    bind.create_host_path === undefined || parseBool(bind.create_host_path, at(path, "create_host_path"));
  return { ...bind, create_host_path: createHostPath };
}

function normalizeVolumeOptions(volume: Data, path: JsonPath): Data {
  const out: Data = { ...volume };
  if (volume.nocopy !== undefined) out.nocopy = parseBool(volume.nocopy, at(path, "nocopy"));
  if (volume.labels !== undefined) out.labels = labelsMap(volume.labels);
  return out;
}

function normalizeTmpfsOptions(tmpfs: Data, path: JsonPath): Data {
  const out: Data = { ...tmpfs };
  if (tmpfs.size !== undefined) out.size = parseBytes(tmpfs.size, at(path, "size"));
  // Compose reads the mode's digits as written (a string "1777" prints as 1777).
  if (tmpfs.mode !== undefined) out.mode = parseInteger(tmpfs.mode, at(path, "mode"), { min: 0 });
  return out;
}
