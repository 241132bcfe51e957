import { defineConfig } from "vitest/config";

// The route and job suites once more with EMBEDDED_FAST_PATHS=false: an embedded file read through
// the client with no database thread, the path DATABASE_URL=libsql://… takes (no libSQL server
// can be installed here). The database thread's own tests test what this lane turns off.
const REMOTE_PATH = ["test/routes/**/*.test.ts", "test/routes/**/*.test.tsx", "test/jobs/**/*.test.ts", "test/integrations/*-worker.test.ts"];

export default defineConfig({
  test: {
    root: new URL("..", import.meta.url).pathname,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and multi-process tests start servers; run files in a few forks.
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts", "test/**/*.test.tsx"] } },
      {
        extends: true,
        test: { name: "remote-path", include: REMOTE_PATH, exclude: ["test/jobs/database-thread.test.ts"], env: { EMBEDDED_FAST_PATHS: "false" } },
      },
    ],
  },
});
