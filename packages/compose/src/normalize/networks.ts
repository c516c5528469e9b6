import type { JsonPath } from "../json-path.js";
import type { ServiceNetworkConfig } from "../model.js";
import { optionsMap } from "./maps.js";
import { at, isData, mapFields, parseInteger, scalarText, stringList } from "./values.js";
import type { Data } from "./values.js";

/** The implicit network every service without `networks` (and without `network_mode`) joins. */
export const DEFAULT_NETWORK = "default";

/**
 * A service's `networks` as a map (`[a, b]` → `{a: null, b: null}`). A service that names none,
 * or an empty map, joins `default`, unless it has a `network_mode` or is a `provider` service
 * (then it has no `networks`).
 */
export function normalizeServiceNetworks(
  svc: Data,
  path: JsonPath,
): Record<string, ServiceNetworkConfig | null> | undefined {
  const nets = svc.networks;
  const attached: Record<string, ServiceNetworkConfig | null> = {};
  if (Array.isArray(nets)) for (const n of nets) attached[scalarText(n)] = null;
  else if (isData(nets))
    for (const [name, cfg] of Object.entries(nets))
      attached[name] = isData(cfg) ? normalizeAttachment(cfg, at(path, name)) : null;
  if (Object.keys(attached).length > 0) return attached;
  if (svc.network_mode != null || svc.provider != null) return undefined;
  return { [DEFAULT_NETWORK]: null };
}

function normalizeAttachment(cfg: Data, path: JsonPath): ServiceNetworkConfig {
  return mapFields(
    cfg,
    {
      aliases: stringList,
      link_local_ips: stringList,
      driver_opts: optionsMap,
      priority: (v, p) => parseInteger(v, p),
      gw_priority: (v, p) => parseInteger(v, p),
      ipv4_address: scalarText,
      ipv6_address: scalarText,
    },
    path,
  ) as ServiceNetworkConfig;
}
