/** @tsc/runtime: images, containers (conmon + runc), networks and volumes on one host. */
export * from "./image/index.js";
export * from "./container/index.js";
export * from "./network/index.js";
export * from "./volume/index.js";
export * from "./testing/index.js";
export { diskUsage } from "./util/fs.js";
export { mountOf, mountTable } from "./util/mounts.js";
export type { MountEntry } from "./util/mounts.js";
