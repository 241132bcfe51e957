import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and multi-process tests start servers; run files in a few forks.
    pool: "forks",
    maxWorkers: 2,
  },
});
