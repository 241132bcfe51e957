// A real libSQL database for a test: a fresh file in a temp folder, migrated.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.js";
import { migrateDatabase } from "../../src/db/migrate.js";

export type TestDatabase = Database & { path: string; url: string; close: () => void };

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "admin-center-test-"));
  const path = join(dir, "app.db");
  const url = `file:${path}`;
  const database = await openDatabase(url);
  await migrateDatabase(database.db);
  return {
    ...database,
    path,
    url,
    close: () => {
      database.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
