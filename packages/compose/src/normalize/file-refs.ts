import type { FileReferenceConfig } from "../model.js";
import { eachItem, isData, mapFields, parseOctalMode, scalarText } from "./values.js";

/** A service's (or build's) `secrets` / `configs`: a name becomes `{source}`; a string mode is octal. */
export const normalizeFileRefs = eachItem((item, path): FileReferenceConfig =>
  isData(item)
    ? (mapFields(
        item,
        { mode: parseOctalMode, uid: scalarText, gid: scalarText },
        path,
      ) as unknown as FileReferenceConfig)
    : { source: scalarText(item) },
);
