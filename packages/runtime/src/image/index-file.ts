import { JsonFile } from "../util/json-file.js";

/** One image known to the store. */
export interface ImageRecord {
  /** The manifest this image was stored with. */
  manifest: string;
  /** Full references (`docker.io/library/busybox:latest`). */
  repoTags: string[];
  /**
   * The manifest digest per repository it was pulled from or pushed to, as full references
   * (`docker.io/library/busybox@sha256:…`); Docker's RepoDigests.
   */
  repoDigests?: string[];
  /** When it was stored here. */
  added: string;
}

/** The persisted image index: image ID (config digest) → record. */
export interface ImageIndexData {
  version: 1;
  images: Record<string, ImageRecord>;
}

/** The persisted image index file (see JsonFile for the write discipline). */
export class ImageIndexFile extends JsonFile<ImageIndexData> {
  constructor(file: string) {
    super(file, () => ({ version: 1, images: {} }));
  }
}
