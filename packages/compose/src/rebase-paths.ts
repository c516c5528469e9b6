import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { YamlTag } from "./yaml-tag.js";

type Data = Record<string, unknown>;

const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

/** A path written in a file in `dir`, made absolute (`~` is the home directory; URLs are kept). */
export function absolutePath(dir: string, p: string): string {
  if (REMOTE.test(p)) return p;
  if (p === "~" || p.startsWith("~/")) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(dir, p);
}

/** Does a short volume source look like a host path (as opposed to a named volume)? */
export function isHostPathSource(src: string): boolean {
  return src.startsWith(".") || src.startsWith("/") || src.startsWith("~");
}

/**
 * A copy of `service` whose relative paths are absolute against `fromDir`: build context, env_file,
 * label_file, bind-mount sources (short and long syntax), `extends.file`. Named volumes, URLs and
 * `build.dockerfile` (relative to the context) are left as they are.
 */
export function rebaseServicePaths(service: unknown, fromDir: string): unknown {
  if (!isData(service)) return service;
  const out: Data = { ...service };
  const abs = (p: unknown): unknown => (typeof p === "string" ? absolutePath(fromDir, p) : p);
  if (typeof out.build === "string") out.build = abs(out.build);
  else if (isData(out.build) && typeof out.build.context === "string")
    out.build = { ...out.build, context: abs(out.build.context) };
  for (const key of ["env_file", "label_file"] as const) {
    const v = out[key];
    if (typeof v === "string") out[key] = abs(v);
    else if (Array.isArray(v)) out[key] = v.map((e) => (isData(e) ? { ...e, path: abs(e.path) } : abs(e)));
  }
  if (Array.isArray(out.volumes)) out.volumes = out.volumes.map((v) => rebaseVolume(v, fromDir));
  if (isData(out.extends) && typeof out.extends.file === "string")
    out.extends = { ...out.extends, file: abs(out.extends.file) };
  return out;
}

function rebaseVolume(v: unknown, dir: string): unknown {
  if (v instanceof YamlTag) return v;
  if (typeof v === "string") {
    const colon = v.indexOf(":");
    if (colon <= 0) return v;
    const src = v.slice(0, colon);
    return isHostPathSource(src) ? absolutePath(dir, src) + v.slice(colon) : v;
  }
  if (isData(v) && v.type === "bind" && typeof v.source === "string")
    return { ...v, source: absolutePath(dir, v.source) };
  return v;
}

/** Rebases every service of a project, and the `file` of top-level secrets and configs. */
export function rebaseProjectPaths(data: unknown, fromDir: string): unknown {
  if (!isData(data)) return data;
  const out: Data = { ...data };
  if (isData(out.services))
    out.services = Object.fromEntries(
      Object.entries(out.services).map(([k, s]) => [k, rebaseServicePaths(s, fromDir)]),
    );
  for (const key of ["secrets", "configs"] as const) {
    const group = out[key];
    if (!isData(group)) continue;
    out[key] = Object.fromEntries(
      Object.entries(group).map(([k, d]) => [
        k,
        isData(d) && typeof d.file === "string" ? { ...d, file: absolutePath(fromDir, d.file) } : d,
      ]),
    );
  }
  return out;
}

function isData(v: unknown): v is Data {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof YamlTag);
}
