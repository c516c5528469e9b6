import { execFile } from "node:child_process";

/** The first line a `--version` command prints, or "unknown". */
export function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile(file, args, { timeout: 5000 }, (err, stdout) =>
      resolve(err ? "unknown" : (stdout.split("\n")[0] ?? "").trim()),
    ),
  );
}
