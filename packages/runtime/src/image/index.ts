export * from "./reference.js";
export * from "./oci.js";
export { BlobStore, digestOf } from "./blobs.js";
export { LayerStore, chainIds } from "./layers.js";
export { ImageStore } from "./store.js";
export type { ResolvedImage, ImageSummary } from "./store.js";
export { loadArchive, saveArchive } from "./archive.js";
export type { LoadedImage } from "./archive.js";
export { applyChanges } from "./changes.js";
