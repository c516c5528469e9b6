export { normalizeProject } from "./project.js";
export type { NormalizeContext } from "./project.js";
export { formatDuration, parseDuration } from "./durations.js";
export { parseBytes } from "./units.js";
export { implicitReferences } from "./depends-on.js";
export type { ImplicitReference } from "./depends-on.js";
