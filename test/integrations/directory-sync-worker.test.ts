// The directory sync worker: schedule, "Sync now", the lease between two processes, and stopping.
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Deps } from "../../src/context.js";
import { directoryPeople, directorySyncs, organizations } from "../../src/db/schema.js";
import { requestDirectorySync } from "../../src/domain/directory-sync.js";
import { newId } from "../../src/ids.js";
import { startDirectorySyncWorker, type DirectorySyncWorker } from "../../src/jobs/directory-sync-worker.js";
import { createLogger } from "../../src/logger.js";
import { createTestDatabase, openAnotherConnection, type TestDatabase } from "../support/db.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn } from "../support/graph-stand-in.js";

const TENANT = "5e1f0c3a-2222-4333-8444-555566667777";
let graph: GraphStandIn;
let database: TestDatabase;
let orgId: string;
const workers: DirectorySyncWorker[] = [];

beforeAll(async () => {
  graph = await startGraphStandIn();
  graph.addUsers(makeUsers(300));
});
afterAll(async () => graph.stop());
beforeEach(async () => {
  database = await createTestDatabase();
  orgId = newId();
  await database.db.write((tx) =>
    tx.insert(organizations).values([
      { id: orgId, tenantId: TENANT, name: "Fabrikam" },
      { id: newId(), name: "Contoso (demo)" }, // no tenant: never synced
    ]),
  );
  graph.tokenTenants.length = 0;
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  database.close();
});

function depsFor(db = database, env: Record<string, string> = {}): Deps {
  const config = loadConfig({
    ENTRA_CLIENT_ID: GRAPH_CLIENT.id,
    ENTRA_CLIENT_SECRET: GRAPH_CLIENT.secret,
    ENTRA_TENANT_ID: "organizations",
    ENTRA_AUTHORITY: graph.authority,
    GRAPH_BASE_URL: graph.baseUrl,
    WORKERS: "false",
    MAIL_TRANSPORT: "outbox",
    ...env,
  });
  return { db: db.db, config, logger: createLogger("silent") };
}
const start = (deps: Deps) => {
  const worker = startDirectorySyncWorker(deps, { pollMs: 60_000 });
  workers.push(worker);
  return worker;
};
const syncs = () => database.db.select().from(directorySyncs).orderBy(directorySyncs.startedAt);

describe("directory sync worker", () => {
  it("syncs organizations with a tenant when due, using the tenant's token endpoint from discovery", async () => {
    const worker = start(depsFor());
    await worker.runOnce();
    expect(await syncs()).toMatchObject([{ orgId, status: "succeeded", trigger: "schedule", added: 300 }]);
    expect(graph.tokenTenants).toEqual([TENANT]);
    await worker.runOnce(); // not due again for 30 minutes
    expect(await syncs()).toHaveLength(1);
  });

  it("runs a Sync now request as soon as it is woken, even with the schedule off", async () => {
    const admin = newId();
    await database.db.write((tx) => tx.insert(directoryPeople).values({ id: admin, orgId, displayName: "Admin" }));
    const worker = start(depsFor(database, { DIRECTORY_SYNC_MINUTES: "0", GRAPH_TOKEN_URL: graph.tokenUrl }));
    await worker.runOnce();
    expect(await syncs()).toHaveLength(0);
    const request = await requestDirectorySync(database.db, orgId, admin);
    worker.wake();
    for (let i = 0; i < 100 && (await syncs())[0]?.status !== "succeeded"; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await syncs()).toMatchObject([{ id: request.ok ? request.syncId : "", status: "succeeded", trigger: "manual", requestedBy: admin }]);
  });

  it("lets only one of two processes sync an organization at a time", async () => {
    const other = await openAnotherConnection(database);
    try {
      const a = start(depsFor());
      const b = start({ ...depsFor(), db: other.db });
      await Promise.all([a.runOnce(), b.runOnce()]);
      const rows = await syncs();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: "succeeded", added: 300 });
      expect(await database.db.select().from(directoryPeople).where(eq(directoryPeople.orgId, orgId))).toHaveLength(300);
    } finally {
      other.close();
    }
  });

  it("stops promptly mid-sync and records the sync as stopped, changing nothing", async () => {
    graph.failNext(1, 429, 30, 0);
    const worker = start(depsFor());
    const pass = worker.runOnce();
    for (let i = 0; i < 100 && !graph.requests.some((r) => r.status === 429); i++) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await worker.stop();
    await pass;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await syncs()).toMatchObject([{ status: "failed", message: expect.stringMatching(/Stopped/), lockedUntil: null }]);
    expect(await database.db.select().from(directoryPeople)).toHaveLength(0);
  });

  it("does nothing in local mode", async () => {
    const deps = depsFor();
    const worker = start({ ...deps, config: loadConfig({ WORKERS: "false" }) });
    await worker.runOnce();
    expect(await syncs()).toHaveLength(0);
  });
});
