import { readFileSync } from "node:fs";
import { invalidArgument } from "@tsc/core";

/** PEM files for mutual TLS (`--tlscacert --tlscert --tlskey`), as Docker names them. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** The PEM contents of the files; a clear error names the file that cannot be read. */
export function readTls(files: TlsFiles): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (what: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw invalidArgument(`cannot read ${what} ${JSON.stringify(path)}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
  return {
    ca: read("CA certificate", files.ca),
    cert: read("certificate", files.cert),
    key: read("key", files.key),
  };
}
