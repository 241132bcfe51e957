// GET /readyz, for load balancers: 200 only while the database answers, holds every migration
// of the code, and (WORKERS=true) the background workers run; otherwise 503 with the reason. Each
// reason comes from the real thing failing: a libSQL server that refuses or never answers, a
// database never migrated or one migration behind, workers not started, a database thread that
// died, a process that was told to stop. /healthz stays a liveness answer through all of them.
import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { Deps } from "../../src/context.js";
import { clientOf } from "../../src/db/driver.js";
import { openDatabase, type Database } from "../../src/db/client.js";
import { startWorkers, type Workers } from "../../src/jobs/workers.js";
import { createLogger } from "../../src/logger.js";
import { projectPath } from "../../src/paths.js";
import { createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { freePort } from "../support/child-server.js";

const tags = (JSON.parse(readFileSync(projectPath("drizzle/meta/_journal.json"), "utf8")) as { entries: { tag: string }[] }).entries.map((e) => e.tag);
const opened: { close(): void }[] = [];
let workers: Workers | undefined;

afterEach(async () => {
  await workers?.stop();
  workers = undefined;
  for (const o of opened.splice(0)) o.close();
});

/** GET /readyz and /healthz of an app on `deps`: status and body. */
async function probe(deps: Deps) {
  const app = createApp(deps);
  const ready = await app.request(`${ORIGIN}/readyz`);
  const health = await app.request(`${ORIGIN}/healthz`);
  return { status: ready.status, body: await ready.text(), cacheControl: ready.headers.get("Cache-Control"), health: health.status };
}

async function testApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ env });
  opened.push(t);
  return t;
}

/** Deps on a database of our own making (not migrated, or at a libSQL server URL). */
function depsOn(database: Pick<Database, "db">, env: Record<string, string> = {}): Deps {
  const config = loadConfig({ PUBLIC_URL: ORIGIN, LOG_LEVEL: "silent", WORKERS: "false", ...env });
  return { db: database.db, config, logger: createLogger("silent") };
}

describe("GET /readyz", () => {
  it("200 ready on a migrated database (WORKERS=false), not cached", async () => {
    const t = await testApp();
    expect(await probe(t.deps)).toEqual({ status: 200, body: "ready", cacheControl: "no-store", health: 200 });
  });

  it("200 with WORKERS=true once the workers run; 503 before they start and while they stop", async () => {
    const t = await testApp({ WORKERS: "true" });
    expect(await probe(t.deps)).toMatchObject({ status: 503, body: "not ready: the background workers have not started", health: 200 });
    workers = startWorkers(t.deps);
    t.deps.workers = workers;
    expect(await probe(t.deps)).toMatchObject({ status: 200, body: "ready" });
    const stopping = workers.stop();
    expect(await probe(t.deps)).toMatchObject({ status: 503, body: "not ready: the background workers are stopping" });
    await stopping;
  });

  it("503 when a worker cannot work: the database thread died (it could not open the file)", async () => {
    const t = await testApp({ WORKERS: "true", EMBEDDED_FAST_PATHS: "true" });
    const deps: Deps = { ...t.deps, config: { ...t.deps.config, databaseUrl: "file:/nonexistent-folder/for/sure/app.db" } };
    workers = startWorkers(deps);
    deps.workers = workers;
    let answer = await probe(deps);
    for (let i = 0; i < 100 && answer.status === 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the thread fails as it starts
      answer = await probe(deps);
    }
    expect(answer).toMatchObject({ status: 503, health: 200 });
    expect(answer.body).toMatch(/^not ready: the database thread worker cannot work: .*(unable to open|no such file|cannot open)/i);
  });

  it("EMBEDDED_FAST_PATHS=false starts no database thread (a libSQL server's path): the same unopenable file leaves the workers ready", async () => {
    const t = await testApp({ WORKERS: "true", EMBEDDED_FAST_PATHS: "false" });
    const deps: Deps = { ...t.deps, config: { ...t.deps.config, databaseUrl: "file:/nonexistent-folder/for/sure/app.db" } };
    workers = startWorkers(deps);
    deps.workers = workers;
    await new Promise((resolve) => setTimeout(resolve, 500)); // a thread would have failed by now (the test above)
    expect(await probe(deps)).toMatchObject({ status: 200, body: "ready" });
  });

  it("503 once the process is stopping", async () => {
    const t = await testApp();
    t.deps.stopping = true;
    expect(await probe(t.deps)).toMatchObject({
      status: 503,
      body: "not ready: stopping: this process finishes its requests and jobs, then exits",
      health: 200,
    });
  });

  it("503 on a database never migrated, and on one that lacks the code's last migration", async () => {
    const t = await testApp();
    const fresh = await openDatabase(`file:${t.database.path}.fresh.db`);
    opened.push(fresh);
    expect(await probe(depsOn(fresh))).toMatchObject({
      status: 503,
      body: `not ready: migrations are not applied: the database lacks ${tags.length} (${tags.join(", ")}); restart the server to apply them`,
      health: 200,
    });
    await clientOf(t.database.db).execute("DELETE FROM __drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM __drizzle_migrations)");
    expect(await probe(t.deps)).toMatchObject({
      status: 503,
      body: `not ready: migrations are not applied: the database lacks 1 (${tags.at(-1)}); restart the server to apply them`,
    });
  });

  describe("a libSQL server (DATABASE_URL=http://…)", () => {
    let silent: Server | undefined;
    const sockets: Socket[] = [];
    afterAll(() => {
      for (const s of sockets) s.destroy();
      silent?.close();
    });

    it("503 when nothing listens there", async () => {
      const url = `http://127.0.0.1:${await freePort()}`;
      const remote = await openDatabase(url);
      opened.push(remote);
      expect(await probe(depsOn(remote, { DATABASE_URL: url }))).toMatchObject({
        status: 503,
        body: expect.stringMatching(/^not ready: the database does not answer: connection refused/),
        health: 200,
      });
    });

    it("503 within 2 s when it takes connections but never answers", async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent!.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      const remote = await openDatabase(url);
      opened.push(remote);
      const started = performance.now();
      expect(await probe(depsOn(remote, { DATABASE_URL: url }))).toMatchObject({
        status: 503,
        body: "not ready: the database does not answer: no answer within 2 s",
        health: 200,
      });
      expect(performance.now() - started).toBeLessThan(4_000);
    });
  });
});
