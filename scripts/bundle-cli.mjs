// Bundles the built CLIs (packages/cli/dist/bin/*.js) into one file each under
// packages/cli/dist/bundle/: a CLI process then loads one module instead of several hundred, which
// halves its start-up. Run by `pnpm build` after `tsc -b`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../packages/cli/", import.meta.url));
await build({
  entryPoints: [`${cli}dist/bin/tscctl.js`, `${cli}dist/bin/tsc-compose.js`],
  outdir: `${cli}dist/bundle`,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // A native addon: loaded from node_modules at run time.
  external: ["node-unix-socket"],
  // Some dependencies are CommonJS and call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __tscRequire } from 'node:module'; const require = __tscRequire(import.meta.url);",
  },
  logLevel: "warning",
});
