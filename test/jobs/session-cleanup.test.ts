// Expired sessions are deleted by a job that every server process with workers runs: past their
// expiry, or older than SESSION_MAX_HOURS (a session issued under a longer lifetime). Once
// deleteExpiredSessions existed and nothing called it.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Deps } from "../../src/context.js";
import { sessions } from "../../src/db/schema.js";
import { newToken, sha256Hex } from "../../src/ids.js";
import { startWorkers } from "../../src/jobs/workers.js";
import { createLogger } from "../../src/logger.js";
import { createOrganization } from "../support/app.js";
import { actorFor } from "../support/security-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { waitFor } from "../support/processes.js";

const HOUR = 60 * 60 * 1000;
let database: TestDatabase;
let deps: Deps;

beforeEach(async () => {
  database = await createTestDatabase();
  deps = {
    db: database.db,
    logger: createLogger("silent"),
    config: loadConfig({ ...database.env, LOG_LEVEL: "silent", SEED_DEMO: "false", SESSION_MAX_HOURS: "12" }),
  };
  await createOrganization(database.db, { name: "Contoso", domain: "contoso.example" });
});
afterEach(() => database.close());

async function addSession(name: string, createdAgoHours: number, expiresInHours: number): Promise<string> {
  const person = await actorFor(database.db, "member@contoso.example");
  const id = sha256Hex(`${name}:${newToken()}`);
  const now = Date.now();
  await database.db.write((tx) =>
    tx.insert(sessions).values({
      id,
      personId: person.personId,
      orgId: person.orgId,
      roles: [],
      createdAt: new Date(now - createdAgoHours * HOUR),
      expiresAt: new Date(now + expiresInHours * HOUR),
    }),
  );
  return id;
}
const exists = async (id: string) => (await database.db.select().from(sessions).where(eq(sessions.id, id))).length === 1;

describe("the session cleanup job", () => {
  it("runs in the workers of every server process and deletes expired and over-age sessions, keeping live ones", async () => {
    const expired = await addSession("expired", 13, -1);
    const overAge = await addSession("issued under the old 30-day lifetime", 13, 30 * 24 - 13);
    const live = await addSession("signed in an hour ago", 1, 11);
    const workers = startWorkers(deps);
    try {
      await waitFor("expired sessions deleted", async () => !(await exists(expired)) && !(await exists(overAge)), 15_000, 50);
      expect(await exists(live)).toBe(true);
    } finally {
      await workers.stop();
    }
  });
});
