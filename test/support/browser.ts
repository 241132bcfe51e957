// Browser tests: the real app served on 127.0.0.1 (in this process, workers running) and
// Debian's Chromium driven by playwright-core. Missing Chromium fails under CI, skips elsewhere.
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser } from "playwright-core";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Deps } from "../../src/context.js";
import { seedDemo } from "../../src/demo/seed.js";
import { startWorkers } from "../../src/jobs/workers.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, type TestDatabase } from "./db.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** True when browser tests can run; under CI a missing Chromium is an error, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium)`);
  return false;
}

export async function launchBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  void options;
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type RunningApp = { url: string; deps: Deps; database: TestDatabase; stop(): Promise<void> };

/** Starts the admin center on a free 127.0.0.1 port with a fresh database (demo seeded unless told not to). */
export async function startTestServer(options: { env?: Record<string, string>; seedDemo?: boolean } = {}): Promise<RunningApp> {
  const database = await createTestDatabase();
  const logger = createLogger("silent");
  let server: ServerType | undefined;
  const port: number = await new Promise((resolve) => {
    const probe = serve({ fetch: () => new Response(""), port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      probe.close();
      resolve(info.port);
    });
  });
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...database.env,
    LOG_LEVEL: "silent",
    SEED_DEMO: "false",
    ...options.env,
  });
  const deps: Deps = { db: database.db, config, logger };
  if (options.seedDemo !== false) await seedDemo(database.db);
  const workers = startWorkers(deps);
  deps.wake = workers.wake;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: createApp(deps).fetch, port, hostname: "127.0.0.1" }, () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    database,
    stop: async () => {
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      await workers.stop();
      database.close();
    },
  };
}
