// The embedded client's connections: every one the pool can hand out has synchronous = NORMAL
// (WAL's advice: a commit does not wait for the disk) and foreign keys on; with autoCheckpoint
// false (a server process whose database thread checkpoints), no commit checkpoints the WAL.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, POOL_SIZE, type Database } from "../../src/db/client.js";
import { clientOf } from "../../src/db/driver.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase | Database;
const dirs: string[] = [];
afterEach(() => {
  database?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Each pooled connection's wal_autocheckpoint (POOL_SIZE open transactions hold the whole pool). */
async function autoCheckpoints(db: Database["db"]): Promise<number[]> {
  const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => clientOf(db).transaction("read")));
  try {
    return await Promise.all(held.map(async (tx) => Number((await tx.execute("PRAGMA wal_autocheckpoint")).rows[0]![0])));
  } finally {
    for (const tx of held) tx.close();
  }
}

/** The WAL's size after five transactions of ~400 pages each (2,000 pages: twice SQLite's checkpoint point). */
async function walAfterBulkWrites(autoCheckpoint: boolean): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "admin-center-wal-"));
  dirs.push(dir);
  const path = join(dir, "app.db");
  database = await openDatabase(`file:${path}`, undefined, { autoCheckpoint });
  const { db } = database;
  await db.write((tx) => tx.run(sql`CREATE TABLE bulk (id INTEGER PRIMARY KEY, body BLOB)`));
  for (let i = 0; i < 5; i++) {
    await db.write((tx) => tx.run(sql`INSERT INTO bulk (body) SELECT randomblob(3800) FROM json_each(${JSON.stringify(Array(400).fill(0))})`));
  }
  return statSync(`${path}-wal`).size;
}

describe("the embedded client", () => {
  it("sets synchronous = NORMAL and keeps foreign keys on in every pooled connection", async () => {
    database = await createTestDatabase();
    // POOL_SIZE open transactions hold as many different connections: the whole pool.
    const held = await Promise.all(Array.from({ length: POOL_SIZE }, () => clientOf(database.db).transaction("read")));
    try {
      const settings = await Promise.all(
        held.map(async (tx) => [Number((await tx.execute("PRAGMA synchronous")).rows[0]![0]), Number((await tx.execute("PRAGMA foreign_keys")).rows[0]![0])]),
      );
      expect(settings).toEqual(Array.from({ length: POOL_SIZE }, () => [1, 1]));
    } finally {
      for (const tx of held) tx.close();
    }
  });

  it("opens at most four connections however many requests read while a transaction writes", async () => {
    database = await createTestDatabase();
    const client = clientOf(database.db);
    // Each connection the pool opens keeps a page cache of its own: the pool stays small.
    const held = await Promise.all(Array.from({ length: 4 }, () => client.transaction("read")));
    try {
      await expect(client.transaction("read")).rejects.toThrow(/All 4 of this client's connections are held/);
    } finally {
      for (const tx of held) tx.close();
    }
    // A writer holding its connection while reads run concurrently: every read is answered.
    const answers = await database.db.write(async () =>
      Promise.all(Array.from({ length: 50 }, (_, i) => database.db.all<{ n: number }>(sql`SELECT ${i} AS n`))),
    );
    expect(answers.map((rows) => Number(rows[0]!.n))).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("leaves every checkpoint to the database thread when asked (autoCheckpoint: false): no commit copies the WAL", async () => {
    const pages = 2000 * 4096;
    // By default SQLite checkpoints inside the commit that passes 1,000 pages, and the WAL starts over.
    expect(await walAfterBulkWrites(true)).toBeLessThan(pages);
    database.close();
    expect(await walAfterBulkWrites(false)).toBeGreaterThan(pages);
    expect(await autoCheckpoints(database.db)).toEqual(Array.from({ length: POOL_SIZE }, () => 0));
    database.close();
    database = await createTestDatabase();
    expect(await autoCheckpoints(database.db)).toEqual(Array.from({ length: POOL_SIZE }, () => 1000));
  });
});
