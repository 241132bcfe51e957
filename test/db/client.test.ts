// The embedded client's connections: every one the pool can hand out has synchronous = NORMAL
// (WAL's advice: a commit does not wait for the disk) and foreign keys on.
import { afterEach, describe, expect, it } from "vitest";
import { clientOf } from "../../src/db/driver.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
afterEach(() => database?.close());

describe("the embedded client", () => {
  it("sets synchronous = NORMAL and keeps foreign keys on in every pooled connection", async () => {
    database = await createTestDatabase();
    // Twenty open transactions hold twenty different connections: the whole pool.
    const held = await Promise.all(Array.from({ length: 20 }, () => clientOf(database.db).transaction("read")));
    try {
      const settings = await Promise.all(
        held.map(async (tx) => [Number((await tx.execute("PRAGMA synchronous")).rows[0]![0]), Number((await tx.execute("PRAGMA foreign_keys")).rows[0]![0])]),
      );
      expect(settings).toEqual(Array.from({ length: 20 }, () => [1, 1]));
    } finally {
      for (const tx of held) tx.close();
    }
  });
});
