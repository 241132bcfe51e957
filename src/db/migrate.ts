// Applies the generated SQL in drizzle/ at start-up (and in every test database).
import { readFileSync } from "node:fs";
import type { Client, InStatement } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { projectPath } from "../paths.js";
import type { Db } from "./client.js";
import { migrateStatements } from "./driver.js";

const migrationsFolder = projectPath("drizzle");

export async function migrateDatabase(db: Db): Promise<void> {
  // Drizzle's migrator reads and writes through `execute` and `migrate`: both are schema work here.
  const execute = async (stmt: InStatement) => (await migrateStatements(db, [stmt]))[0]!;
  const client = { execute, migrate: (stmts: InStatement[]) => migrateStatements(db, stmts) } as unknown as Client;
  await migrate(drizzle({ client }), { migrationsFolder });
}

type JournalEntry = { tag: string; when: number };
let journal: JournalEntry[] | undefined;
const journalEntries = () => (journal ??= (JSON.parse(readFileSync(projectPath("drizzle/meta/_journal.json"), "utf8")) as { entries: JournalEntry[] }).entries);

/**
 * The tags of the code's migrations that the database has not applied, oldest first (empty when
 * it is up to date). Drizzle's rule: a migration is applied when the database's latest
 * `created_at` is at least its journal time. A database never migrated lacks them all.
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  let applied = -Infinity;
  try {
    const [row] = await db.all<{ at: number | null }>(sql`SELECT max(created_at) AS at FROM __drizzle_migrations`);
    if (row?.at !== null && row?.at !== undefined) applied = Number(row.at);
  } catch (error) {
    if (!/no such table/i.test(String((error as Error)?.message) + String((error as { cause?: Error })?.cause?.message))) throw error;
  }
  return journalEntries()
    .filter((entry) => entry.when > applied)
    .map((entry) => entry.tag);
}
