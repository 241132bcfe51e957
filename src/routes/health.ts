// Health checks for process managers and load balancers, served to any Host (they probe by
// address) and before any session: GET /healthz, liveness (the process answers: restart it when
// it stops); GET /readyz, readiness (send it traffic): 200 `ready`, or 503 with the reason.
import { Hono } from "hono";
import type { AppEnv, Deps } from "../context.js";
import { checkReadiness } from "../domain/readiness.js";

export function healthRoutes(deps: Deps) {
  return new Hono<AppEnv>()
    .get("/healthz", (c) => c.text("ok"))
    .get("/readyz", async (c) => {
      const readiness = await checkReadiness(deps.db, { stopping: deps.stopping === true, workersExpected: deps.config.workers, workers: deps.workers });
      c.header("Cache-Control", "no-store");
      return readiness.ready ? c.text("ready") : c.text(`not ready: ${readiness.reason}`, 503);
    });
}
