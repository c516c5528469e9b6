import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Workspace packages resolve to their sources, so tests never need a build first.
const alias = [
  {
    find: /^@tsc\/([a-z-]+)$/,
    replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)),
  },
];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: ["default", "./scripts/vitest-summary-reporter.ts"],
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests share the host's kernel (netns, bridges, mounts): one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
