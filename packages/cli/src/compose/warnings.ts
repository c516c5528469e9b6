/** Prints loader warnings on stderr the way Compose v2 does (`WARN[0000] …`). */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`WARN[0000] ${w}\n`);
}
