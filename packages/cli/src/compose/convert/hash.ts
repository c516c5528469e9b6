import { createHash } from "node:crypto";
import type { ServiceSpec } from "@tsc/manager";

/** JSON with object keys sorted at every level and `undefined` members left out, so equal values print equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeys(v)));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/**
 * The parts of a service that need a new container when they change (not replicas, not
 * depends_on). Placement and reservations are among them: a task may have to move.
 */
export type HashedServiceParts = Pick<
  ServiceSpec,
  | "container"
  | "networks"
  | "ports"
  | "healthcheck"
  | "containerName"
  | "restartPolicy"
  | "placement"
  | "reservations"
>;

/** sha256 (hex) of the canonical JSON of what needs a new container. */
export function configHash(parts: HashedServiceParts): string {
  const input: HashedServiceParts = {
    container: parts.container,
    networks: parts.networks,
    ports: parts.ports,
    healthcheck: parts.healthcheck,
    containerName: parts.containerName,
    restartPolicy: parts.restartPolicy,
    placement: parts.placement,
    reservations: parts.reservations,
  };
  return createHash("sha256").update(canonicalJson(input)).digest("hex");
}
