// A real libSQL database for a test: a fresh file in a temp folder, migrated. Tests that need
// plain SQL say what it does: readSql outside any transaction, writeSql in a write transaction.
// EMBEDDED_FAST_PATHS=false (the remote-path lane of test/vitest.config.ts) opens it as a libSQL
// server is used; `env` hands the same choice to a test's config, and so to its workers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InArgs, Row } from "@libsql/client";
import { embeddedFastPaths } from "../../src/config.js";
import { openDatabase, type Database, type Db } from "../../src/db/client.js";
import { readStatement, runStatement } from "../../src/db/driver.js";
import { migrateDatabase } from "../../src/db/migrate.js";

export type TestDatabase = Database & {
  path: string;
  url: string;
  /** DATABASE_URL and EMBEDDED_FAST_PATHS for a config on this database. */
  env: { DATABASE_URL: string; EMBEDDED_FAST_PATHS: string };
};

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "admin-center-test-"));
  const path = join(dir, "app.db");
  const url = `file:${path}`;
  const fastPaths = embeddedFastPaths();
  const database = await openDatabase(url, undefined, { fastPaths });
  await migrateDatabase(database.db);
  return {
    ...database,
    path,
    url,
    env: { DATABASE_URL: url, EMBEDDED_FAST_PATHS: String(fastPaths) },
    close: () => {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Another connection to a test database (as another process has), opened the same way. */
export function openAnotherConnection(database: TestDatabase): Promise<Database> {
  return openDatabase(database.url, undefined, { fastPaths: database.env.EMBEDDED_FAST_PATHS === "true" });
}

/** The rows of a read (by column name and by position). */
export async function readSql<T = Row>(db: Db, sql: string, args: InArgs = []): Promise<T[]> {
  return (await readStatement(db, { sql, args })).rows as unknown as T[];
}

/** Runs a statement in its own write transaction; answers rowsAffected. */
export async function writeSql(db: Db, sql: string, args: InArgs = []): Promise<number> {
  return (await db.write((tx) => runStatement(tx, { sql, args }))).rowsAffected;
}
