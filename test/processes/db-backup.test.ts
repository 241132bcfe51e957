// `npm run db:backup` as a nightly job runs it: it must never report success on nothing. A
// mistyped DATABASE_URL, or a file that is not this application's database, is refused with one
// line and a non-zero exit, and nothing is created; a real backup says what it holds.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBenchDatabase, type BenchDatabase } from "../support/child-server.js";
import { seedLargeOrganization } from "../support/seed-large.js";
import { linesOf, runScript } from "../support/commands.js";

let database: BenchDatabase;
let dir: string;

beforeAll(async () => {
  database = await createBenchDatabase();
  await seedLargeOrganization(database.db, { people: 60, members: 42, domain: "backup.example", name: "Backup Co" });
  dir = mkdtempSync(join(tmpdir(), "db-backup-test-"));
});
afterAll(() => {
  database?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run db:backup", () => {
  it("refuses a mistyped DATABASE_URL with one line and exit 1, creating neither database nor backup", async () => {
    const typo = join(database.dir, "ap.db");
    const target = join(dir, "typo-backup.db");
    const result = await runScript("db:backup", [target], { DATABASE_URL: `file:${typo}` });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining(`there is no database at ${typo}`)]);
    expect(result.stderr).toContain("Check DATABASE_URL");
    expect(result.stdout).toBe("");
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(target)).toBe(false);
  });

  it("refuses a SQLite file that holds no migrated schema, and leaves it as it was", async () => {
    const other = join(dir, "other.db");
    const client = createClient({ url: `file:${other}` });
    await client.execute("CREATE TABLE notes (body TEXT)");
    client.close();
    const result = await runScript("db:backup", [join(dir, "other-backup.db")], { DATABASE_URL: `file:${other}` });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("holds no admin center data")]);
    expect(existsSync(join(dir, "other-backup.db"))).toBe(false);
    expect(existsSync(`${other}-wal`)).toBe(false); // opened read-only: not even switched to WAL
  });

  it("refuses a file that is not a database at all", async () => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "not a database ".repeat(200));
    const result = await runScript("db:backup", [join(dir, "notes-backup.db")], { DATABASE_URL: `file:${text}` });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([expect.stringContaining("is not a database file")]);
  });

  it("writes a backup of the real database and says its size and how many members it holds", async () => {
    const target = join(dir, "nightly", "app-backup.db");
    const result = await runScript("db:backup", [target], { DATABASE_URL: database.url });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(linesOf(result.stdout)).toEqual([expect.stringMatching(new RegExp(`^Backup written to ${target}: [\\d.]+ MB, 42 members in 1 organization`))]);
    const copy = createClient({ url: `file:${target}` });
    expect((await copy.execute("SELECT count(*) AS n FROM members")).rows[0]!.n).toBe(42);
    copy.close();

    const again = await runScript("db:backup", [target], { DATABASE_URL: database.url });
    expect(again.code).toBe(1);
    expect(linesOf(again.stderr)).toEqual([expect.stringContaining("already exists")]);
  });

  it("refuses an invalid setting in one line instead of a stack", async () => {
    const result = await runScript("db:backup", [join(dir, "x.db")], { DATABASE_URL: database.url, LOG_LEVEL: "loud" });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      'Configuration error: LOG_LEVEL="loud" is invalid: expected one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
