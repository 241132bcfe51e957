// One server process: opens the database, serves HTTP, and runs the background workers once it
// listens. Alone (WEB_CONCURRENCY=1) it also migrates the database and seeds the demo first; in a
// cluster the primary did both before forking, so no two processes race to.
//
// SIGTERM (or SIGINT) drains it: /readyz turns 503, it stops accepting connections, answers the
// requests in flight (each with Connection: close), the workers finish the item in hand and give
// back their leases, the database is closed, exit 0. Whatever is left after DRAIN_MS is abandoned
// (exit 0 all the same): its leases expire and another process, or the next start, carries on.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { serve } from "@hono/node-server";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import type { Config } from "./config.js";
import type { Deps } from "./context.js";
import { openDatabase, type Database } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { seedDemo } from "./demo/seed.js";
import { startWorkers, type Workers } from "./jobs/workers.js";
import { runsDatabaseThread } from "./jobs/database-thread.js";
import { describeListenError, exitWithOneLine, openOrExit } from "./start-up.js";

/** SIGTERM to exit: process managers wait 10 s (systemd's default is 90, Kubernetes' 30) before SIGKILL. */
const DRAIN_MS = 9_000;

/** Opens the database; with `prepare`, migrates it and seeds the demo organization (local mode). */
export async function openServerDatabase(config: Config, logger: Logger, prepare: boolean): Promise<Database> {
  const database = await openOrExit(config.databaseUrl, async () => {
    // Its workers' database thread checkpoints the WAL: no commit of ours does it on the event loop.
    const opened = await openDatabase(config.databaseUrl, config.databaseAuthToken, {
      fastPaths: config.embeddedFastPaths,
      autoCheckpoint: !runsDatabaseThread(config),
    });
    if (prepare) await migrateDatabase(opened.db);
    return opened;
  });
  if (prepare && config.seedDemo) {
    const { seeded } = await seedDemo(database.db);
    if (seeded) logger.info("demo organization seeded");
  }
  return database;
}

export async function runServerProcess(config: Config, logger: Logger, options: { prepareDatabase: boolean }): Promise<void> {
  const database = await openServerDatabase(config, logger, options.prepareDatabase);
  const deps: Deps = { db: database.db, config, logger };
  // The workers start once the server listens: their database thread would otherwise compete with
  // start-up for the CPU and slow it. Until then `wake` is unset
  // and a request that queues work simply leaves it for the workers' first poll.
  let workers: Workers | undefined;
  const server = serve({ fetch: createApp(deps).fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      { url: `http://${info.address}:${info.port}`, localMode: config.localMode },
      config.localMode ? "admin center listening (local mode)" : "admin center listening",
    );
    if (deps.stopping) return;
    workers = startWorkers(deps);
    deps.wake = workers.wake;
    deps.workers = workers;
  }) as Server;
  server.once("error", (error) => {
    const line = describeListenError(error, config);
    if (!line) throw error;
    database.close();
    exitWithOneLine(`Cannot start: ${line}`);
  });
  const inFlight = trackRequests(server, () => deps.stopping === true);

  async function stop(signal: string) {
    if (deps.stopping) return;
    deps.stopping = true;
    logger.info({ signal, requestsInFlight: inFlight.count() }, "stopping");
    setTimeout(() => {
      logger.warn(
        { requestsInFlight: inFlight.count() },
        `still draining after ${DRAIN_MS / 1000} s: exiting; unfinished jobs' leases expire and another process carries on`,
      );
      process.exit(0);
    }, DRAIN_MS).unref();
    server.close();
    inFlight.closeAfterAnswer();
    await Promise.all([workers?.stop(), inFlight.done()]);
    server.closeAllConnections();
    database.close();
    process.exit(0);
  }
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** Counts the requests being answered; once stopping, every answer closes its connection. */
function trackRequests(server: Server, stopping: () => boolean) {
  const open = new Set<ServerResponse<IncomingMessage>>();
  let drained: (() => void) | undefined;
  server.on("request", (_request: IncomingMessage, response: ServerResponse<IncomingMessage>) => {
    open.add(response);
    if (stopping() && !response.headersSent) response.setHeader("Connection", "close");
    response.once("close", () => {
      open.delete(response);
      if (open.size === 0) drained?.();
    });
  });
  return {
    count: () => open.size,
    closeAfterAnswer() {
      for (const response of open) if (!response.headersSent) response.setHeader("Connection", "close");
    },
    done: () =>
      new Promise<void>((resolve) => {
        if (open.size === 0) return resolve();
        drained = resolve;
      }),
  };
}
