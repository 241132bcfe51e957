// The embedded client's connections: every one the pool can hand out has synchronous = NORMAL
// (WAL's advice: a commit does not wait for the disk) and foreign keys on.
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { POOL_SIZE } from "../../src/db/client.js";
import { clientOf } from "../../src/db/driver.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
afterEach(() => database?.close());

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
});
