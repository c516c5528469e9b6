import type { Static } from "@sinclair/typebox";
import { Type as T } from "@sinclair/typebox";
import {
  BoolOrString,
  ComposeObject,
  DriverOpts,
  External,
  ListOfStrings,
  ListOrDict,
  NameMap,
  Nullable,
  StringOrInteger,
} from "./common.js";

/** String-valued maps keyed by any non-empty name (`aux_addresses`, IPAM `options`). */
const StringMap = T.Record(T.String({ pattern: "^.+$" }), T.String(), { additionalProperties: false });

/** `ipam:` — the address-management driver and its pools. */
export const IpamSchema = ComposeObject({
  driver: T.String(),
  config: T.Array(
    ComposeObject({
      subnet: T.String(),
      ip_range: T.String(),
      gateway: T.String(),
      aux_addresses: StringMap,
    }),
  ),
  options: StringMap,
});

/** A top-level `networks:` entry (null means "all defaults"). */
export const NetworkSchema = Nullable(
  ComposeObject({
    name: T.String(),
    driver: T.String(),
    driver_opts: DriverOpts,
    ipam: IpamSchema,
    external: External(true),
    internal: BoolOrString,
    enable_ipv4: BoolOrString,
    enable_ipv6: BoolOrString,
    attachable: BoolOrString,
    labels: ListOrDict,
  }),
);

/** How a service joins one network: aliases, static addresses, priority. */
export const ServiceNetworkSchema = ComposeObject({
  aliases: ListOfStrings,
  interface_name: T.String(),
  ipv4_address: T.String(),
  ipv6_address: T.String(),
  link_local_ips: ListOfStrings,
  mac_address: T.String(),
  driver_opts: DriverOpts,
  priority: T.Number(),
  gw_priority: T.Number(),
});

/** A service's `networks:`: a list of names, or a map from name to attachment settings (or null). */
export const ServiceNetworksSchema = T.Union([ListOfStrings, NameMap(Nullable(ServiceNetworkSchema))]);

/** The long form of a `ports:` entry. */
export const PortConfigSchema = ComposeObject({
  name: T.String(),
  mode: T.String(),
  host_ip: T.String(),
  target: StringOrInteger,
  published: StringOrInteger,
  protocol: T.String(),
  app_protocol: T.String(),
});

/** One `ports:` entry: a container port number, a `[HOST:]CONTAINER[/PROTOCOL]` string or the long form. */
export const PortSchema = T.Union([T.Number(), T.String(), PortConfigSchema]);

/** A top-level network as written. */
export type NetworkInput = Static<typeof NetworkSchema>;
/** A service's `networks:` as written. */
export type ServiceNetworksInput = Static<typeof ServiceNetworksSchema>;
/** One `ports:` entry as written. */
export type PortInput = Static<typeof PortSchema>;
