// Entry point: config, database, migrations, demo seed (local mode), HTTP server, workers;
// SIGTERM stops taking requests, lets workers release their leases, and closes the database.
import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { configWarnings } from "./config.js";
import type { Deps } from "./context.js";
import { openDatabase } from "./db/client.js";
import { migrateDatabase } from "./db/migrate.js";
import { seedDemo } from "./demo/seed.js";
import { startWorkers } from "./jobs/workers.js";
import { createLogger } from "./logger.js";
import { describeListenError, exitWithOneLine, loadConfigOrExit, openOrExit } from "./start-up.js";

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
for (const warning of configWarnings(config)) logger.warn(warning);
const { db, client } = await openOrExit(config.databaseUrl, async () => {
  const database = await openDatabase(config.databaseUrl, config.databaseAuthToken);
  await migrateDatabase(database.db);
  return database;
});
if (config.seedDemo) {
  const { seeded } = await seedDemo(db);
  if (seeded) logger.info("demo organization seeded");
}

const deps: Deps = { db, client, config, logger };
// The workers start once the server listens: their database thread would otherwise compete with
// start-up for the CPU and slow it. Until then `wake` is unset
// and a request that queues work simply leaves it for the workers' first poll.
let workers: ReturnType<typeof startWorkers> | undefined;
let stopping = false;
const server = serve({ fetch: createApp(deps).fetch, port: config.port, hostname: config.host }, (info) => {
  logger.info({ url: `http://${info.address}:${info.port}`, localMode: config.localMode }, config.localMode ? "admin center listening (local mode)" : "admin center listening");
  if (stopping) return;
  workers = startWorkers(deps);
  deps.wake = workers.wake;
});
server.once("error", (error) => {
  const line = describeListenError(error, config);
  if (!line) throw error;
  client.close();
  exitWithOneLine(`Cannot start: ${line}`);
});

async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "stopping");
  server.close();
  await workers?.stop();
  client.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
