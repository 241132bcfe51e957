// Databases as an older release left them, for the upgrade tests: the migrations folder copied
// with its journal cut after a named migration, applied to a fresh file.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { openDatabase, type Database } from "../../src/db/client.js";
import { clientOf } from "../../src/db/driver.js";
import { projectPath } from "../../src/paths.js";

export type OldDatabase = Database & { dispose(): void };

/** A database file migrated up to and including the migration tagged `lastTag` (e.g. "0017_members_sort_search"). */
export async function openDatabaseBefore(lastTag: string): Promise<OldDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "upgrade-"));
  const folder = join(dir, "drizzle");
  cpSync(projectPath("drizzle"), folder, { recursive: true });
  const journalPath = join(folder, "meta/_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration tagged ${lastTag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  const database = await openDatabase(`file:${join(dir, "app.db")}`);
  await migrate(drizzle({ client: clientOf(database.db) }), { migrationsFolder: folder });
  return {
    ...database,
    dispose() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
