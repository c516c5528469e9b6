/** CLI for scripts/test-image: `make-busybox-image.ts [OUT.tar] [TAG]`. */
import { resolve } from "node:path";
import { makeBusyboxImageArchive } from "./busybox.js";

const out = resolve(process.argv[2] ?? ".tmp/busybox.tar");
const tag = process.argv[3] ?? "busybox:latest";
makeBusyboxImageArchive(out, tag);
process.stdout.write(`wrote ${tag} to ${out}\n`);
