import type { JsonPath } from "../json-path.js";
import type { DeviceMapping, DeviceRequest } from "../model.js";
import { labelsMap } from "./maps.js";
import { eachItem, invalid, isData, mapFields, parseInteger, quote, scalarText } from "./values.js";

/** `devices`: `HOST[:CONTAINER[:PERMISSIONS]]` → `{source, target, permissions}` (target defaults to source, permissions to rwm). */
export const normalizeDevices = eachItem((value, path): DeviceMapping => {
  if (isData(value)) return { ...value } as unknown as DeviceMapping;
  const spec = scalarText(value);
  const parts = spec.split(":");
  if (parts.length > 3 || parts.some((p) => p === ""))
    invalid(
      path,
      `${quote(spec)} is not a valid device mapping`,
      "write HOST_PATH[:CONTAINER_PATH[:PERMISSIONS]] or use the long syntax",
    );
  const [source, target = source, permissions = "rwm"] = parts as [string, string?, string?];
  return { source, target, permissions };
});

/** `gpus`: `all` → `[{count: "all"}]`; a list of device requests as in `normalizeDeviceRequests`. */
export function normalizeGpus(value: unknown, path: JsonPath): DeviceRequest[] {
  return Array.isArray(value) ? normalizeDeviceRequests(value, path) : [{ count: "all" }];
}

/** Device requests: `count` is a number or "all" (the default when neither count nor device_ids is set). */
export const normalizeDeviceRequests = eachItem((value, path): DeviceRequest => {
  const out = mapFields(
    isData(value) ? value : {},
    { count: parseCount, options: labelsMap },
    path,
  ) as DeviceRequest;
  if (out.count === undefined && out.device_ids === undefined) out.count = "all";
  return out;
});

function parseCount(value: unknown, path: JsonPath): number | "all" {
  if (typeof value === "string" && value.trim().toLowerCase() === "all") return "all";
  if (typeof value === "string" && !/^\s*-?\d+\s*$/.test(value))
    invalid(path, `${quote(value)} is not a device count`, 'use a number or "all"');
  const n = parseInteger(value, path);
  return n === -1 ? "all" : n;
}
