// Loads a bundled CLI (dist/bundle/<name>.cjs) with V8's code cache: the compiled code of the
// functions a run used is written beside the bundle when the process exits (if there was none for
// its command, or V8 rejected it), and later runs of that command start from it instead of
// compiling the bundle again. V8 checks a cache only against the source's length, so the cache's
// name carries the bundle's size and mtime: a rebuilt bundle never meets an old cache. A cache that
// cannot be read or written only costs the compile time.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

/** Runs the bundle `name` of this package (its side effects are the CLI). */
export function loadBundle(name) {
  // The bins' sh line puts `--` before the user's arguments (see bin/tscctl.js): not theirs.
  if (process.env.TSC_BIN_ARGS === "after-dashdash") {
    delete process.env.TSC_BIN_ARGS;
    if (process.argv[2] === "--") process.argv.splice(2, 1);
  }
  const file = fileURLToPath(new URL(`../dist/bundle/${name}.cjs`, import.meta.url));
  const st = statSync(file);
  // One cache per command: V8 keeps the functions a run compiled, so `ps` starts from a cache
  // with ps's code in it rather than whichever command happened to run first.
  const command = process.argv.slice(2).find((a) => /^[a-z][a-z-]*$/.test(a)) ?? "default";
  const cacheFile = `${file}.${st.size}-${Math.trunc(st.mtimeMs)}.${command}.v8cache`;
  const source = readFileSync(file, "utf8");
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected)
    process.once("exit", () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // read-only install: run without a cache
      }
    });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
}
