// Entry point: the configuration, then either this process serves (WEB_CONCURRENCY=1, the default:
// src/server-process.ts) or it is the cluster primary that keeps WEB_CONCURRENCY server processes
// on the one port (src/cluster-primary.ts), each of them this same file run again as a worker.
import cluster from "node:cluster";
import { fileURLToPath } from "node:url";
import { runClusterPrimary } from "./cluster-primary.js";
import { configWarnings } from "./config.js";
import { createLogger } from "./logger.js";
import { runServerProcess } from "./server-process.js";
import { loadConfigOrExit } from "./start-up.js";

const config = loadConfigOrExit();
// Several processes share one stdout: each line then names its process.
const logger = createLogger(config.logLevel, { pid: config.webConcurrency > 1 });
if (cluster.isWorker) {
  await runServerProcess(config, logger, { prepareDatabase: false });
} else {
  for (const warning of configWarnings(config)) logger.warn(warning);
  if (config.webConcurrency === 1) await runServerProcess(config, logger, { prepareDatabase: true });
  else await runClusterPrimary(config, logger, fileURLToPath(import.meta.url));
}
