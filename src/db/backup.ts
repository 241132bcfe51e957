// The embedded database file as the backup command sees it: opened read-only through the native
// driver (the client cannot open read-only, and would create a missing file), so a mistyped
// DATABASE_URL is refused instead of backed up as a new empty database.
import { existsSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";

type NativeStatement = { get(...args: unknown[]): Record<string, unknown> | undefined; run(...args: unknown[]): unknown };
type NativeDatabase = { prepare(sql: string): NativeStatement; close(): void };
const require = createRequire(import.meta.url);

export type DatabaseFileSummary = { bytes: number; members: number; organizations: number };
export type DatabaseFileCheck = { ok: true } | { ok: false; reason: string };

/** SQLite's URI form with mode=ro: `?` `#` `%` in the path escaped. */
const readOnlyUri = (path: string) => `file:${path.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}?mode=ro`;

function openReadOnly(path: string): NativeDatabase {
  const Database = require("libsql") as new (path: string) => NativeDatabase;
  return new Database(readOnlyUri(path));
}

const MIGRATED = "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('__drizzle_migrations', 'members', 'organizations')";

/** Whether `path` is a database this application has migrated; never creates or changes it. */
export function checkDatabaseFile(path: string): DatabaseFileCheck {
  if (!existsSync(path)) return { ok: false, reason: `there is no database at ${path}` };
  if (statSync(path).isDirectory()) return { ok: false, reason: `${path} is a folder, not a database file` };
  let db: NativeDatabase;
  try {
    db = openReadOnly(path);
  } catch (error) {
    return { ok: false, reason: `${path} cannot be opened: ${(error as Error).message}` };
  }
  try {
    const tables = Number(db.prepare(MIGRATED).get()?.n ?? 0);
    if (tables < 3) return { ok: false, reason: `${path} holds no admin center data (its schema was never migrated)` };
    return { ok: true };
  } catch (error) {
    const notADatabase = (error as { code?: string }).code === "SQLITE_NOTADB";
    return { ok: false, reason: notADatabase ? `${path} is not a database file` : `${path} cannot be read: ${(error as Error).message}` };
  } finally {
    db.close();
  }
}

/** What a database file holds: its size, members and organizations (read-only). */
export function summarizeDatabaseFile(path: string): DatabaseFileSummary {
  const db = openReadOnly(path);
  try {
    const count = (table: string) => Number(db.prepare(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0);
    return { bytes: statSync(path).size, members: count("members"), organizations: count("organizations") };
  } finally {
    db.close();
  }
}

/**
 * A consistent copy of `source` at `target` (which must not exist): SQLite's VACUUM INTO reads one
 * snapshot (WAL readers never block the writer) and writes a compact, self-contained file. A
 * failed copy leaves no partial file behind.
 */
export function backupDatabaseFile(source: string, target: string): DatabaseFileSummary {
  const db = openReadOnly(source);
  try {
    db.prepare("VACUUM INTO ?").run(target);
  } catch (error) {
    rmSync(target, { force: true });
    throw error;
  } finally {
    db.close();
  }
  return summarizeDatabaseFile(target);
}
