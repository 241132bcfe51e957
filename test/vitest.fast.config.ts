// The fast lane, `npm run test:fast` (after the type check): the domain, routes, views, security,
// db and auth suites and the fuzz properties with a tenth of their runs (FUZZ_RUNS_SHARE, see
// test/support/fuzz.ts). Left to `npm test`, which runs every file with every run: the browser,
// the server processes, the crash and worker suites (jobs/) and the stand-in integrations.
// The files share their workers' module cache (isolate: false), which halves the lane's CPU time;
// a test that leans on a fresh module (global state left by another file) shows here first, and
// `npm test` runs each file isolated.
import { defineConfig } from "vitest/config";
import full from "./vitest.config.js";

export default defineConfig({
  test: {
    ...full.test,
    // One lane of its own: not the full config's projects (the remote-path lane runs in `npm test`).
    projects: undefined,
    include: ["test/{domain,routes,views,security,db,auth,fuzz}/**/*.test.{ts,tsx}", "test/*.test.ts"],
    env: { FUZZ_RUNS_SHARE: "0.1" },
    isolate: false,
  },
});
