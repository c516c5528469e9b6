// Bundles the built CLIs (packages/cli/dist/bin/*.js) into one CommonJS file each under
// packages/cli/dist/bundle/: a CLI process then loads one script instead of several hundred
// modules, and bin/load-bundle.js can keep V8's compiled code for it between runs (a code cache
// works for scripts, not for ES modules, in Node 20). Run by `pnpm build` after `tsc -b`.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../packages/cli/", import.meta.url));
rmSync(`${cli}dist/bundle`, { recursive: true, force: true });
await build({
  entryPoints: [`${cli}dist/bin/tscctl.js`, `${cli}dist/bin/tsc-compose.js`],
  outdir: `${cli}dist/bundle`,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // A native addon: loaded from node_modules at run time.
  external: ["node-unix-socket"],
  // The sources are ES modules that find files next to themselves through import.meta.url.
  define: { "import.meta.url": "__tscImportMetaUrl" },
  banner: { js: 'var __tscImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  minify: true,
  keepNames: true,
  logLevel: "warning",
});
