import { EventEmitter } from "node:events";
import { groupFilters } from "@tsc/core";

/** An event as `docker events` shows it. */
export interface EngineEvent {
  type: "container" | "image" | "network" | "volume" | "daemon";
  action: string;
  id: string;
  attributes: Record<string, string>;
  time: string;
  timeNano: number;
}

/** `key=value` filters as Docker takes them (`type=container`, `event=start`, `container=web` …). */
export function matchesFilters(ev: EngineEvent, filters: string[]): boolean {
  for (const [key, values] of groupFilters(filters)) {
    const ok = values.some((v) => {
      switch (key) {
        case "type":
          return ev.type === v;
        case "event":
        case "action":
          return ev.action === v || ev.action.startsWith(`${v}:`);
        case "container":
        case "image":
        case "network":
        case "volume":
          return ev.type === key && (ev.id === v || ev.id.startsWith(v) || ev.attributes.name === v);
        case "label": {
          const [lk, lv] = v.split("=", 2) as [string, string | undefined];
          return lk in ev.attributes && (lv === undefined || ev.attributes[lk] === lv);
        }
        default:
          return false;
      }
    });
    if (!ok) return false;
  }
  return true;
}

/**
 * The engine's event log: every event is emitted ("event") and kept in a ring of the last
 * `capacity`, so `events --since` can replay what happened before the client asked.
 */
export class EventLog extends EventEmitter {
  private readonly ring: EngineEvent[] = [];

  constructor(private readonly capacity = 2048) {
    super();
    this.setMaxListeners(0);
  }

  /** Records and broadcasts an event. */
  publish(
    type: EngineEvent["type"],
    action: string,
    id: string,
    attributes: Record<string, string> = {},
  ): void {
    const now = Date.now();
    const ev: EngineEvent = {
      type,
      action,
      id,
      attributes,
      time: new Date(now).toISOString(),
      timeNano: now * 1_000_000,
    };
    this.ring.push(ev);
    if (this.ring.length > this.capacity) this.ring.shift();
    this.emit("event", ev);
  }

  /** Events at or after `since` (ms since the epoch), oldest first. */
  since(sinceMs: number): EngineEvent[] {
    return this.ring.filter((e) => e.timeNano / 1_000_000 >= sinceMs);
  }
}
