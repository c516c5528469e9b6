import type { Lookup } from "./maps.js";
import type { MappingFileReader } from "./mapping-files.js";

/** What normalizing a service needs besides the service itself. */
export interface ServiceContext {
  /** Relative paths resolve against it. */
  projectDir: string;
  /** Looks variables up in the project environment (OS environment over .env). */
  lookup: Lookup;
  /** Reads env_file / label_file files, each once per load. */
  files: MappingFileReader;
}
