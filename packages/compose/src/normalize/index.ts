export { normalizeProject } from "./project.js";
export type { NormalizeContext } from "./project.js";
export { formatDuration, parseBytes, parseDuration } from "./units.js";
export { implicitDependencies } from "./service.js";
