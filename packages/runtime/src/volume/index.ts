export { VolumeManager } from "./manager.js";
export type { VolumeCreateOptions, VolumeInfo } from "./manager.js";
