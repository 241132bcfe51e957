// The embedded read path answers what the libSQL client would: the same rows (named and
// positional values, length) and the driver's own errors; what returns no rows is refused, so a
// write can only go through db.write.
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "@libsql/client";
import { sql } from "drizzle-orm";
import { readStatement } from "../../src/db/driver.js";
import { NotAReadError } from "../../src/db/read-connection.js";
import { openDatabase } from "../../src/db/client.js";
import { createTestDatabase, readSql, writeSql, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
afterEach(() => database?.close());

describe("the embedded read connection", () => {
  it("answers rows the client would, read through our read path and through a plain client", async () => {
    database = await createTestDatabase();
    await writeSql(database.db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, score REAL)");
    await writeSql(database.db, "INSERT INTO t (id, name, data, score) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", [
      1,
      "Ann",
      new Uint8Array([1, 2]).buffer,
      1.5,
      2,
      null,
      null,
      true,
    ]);
    const plain = createClient({ url: database.url });
    const query = { sql: "SELECT t.id, t.name, t.data, t.score, u.id FROM t LEFT JOIN t AS u ON u.id = t.id + 1 WHERE t.id >= ? ORDER BY t.id", args: [1] };
    const ours = await readStatement(database.db, query);
    const theirs = await plain.execute(query);
    expect(ours.columns).toEqual(theirs.columns);
    expect(ours.rows.length).toBe(2);
    ours.rows.forEach((row, i) => {
      const other = theirs.rows[i]!;
      for (const name of Object.keys(other)) expect(row[name]).toEqual(other[name]);
      expect(row.length).toBe(other.length);
      expect(Array.prototype.slice.call(row)).toEqual(Array.prototype.slice.call(other));
      expect(row.id).toBe(other.id); // a repeated name: the first column wins
    });
    expect(new Uint8Array(ours.rows[0]!.data as ArrayBuffer).slice(0, 2)).toEqual(new Uint8Array([1, 2]));
    expect(ours.rows[1]!.score).toBe(1); // a boolean argument was stored as 1
    plain.close();
  });

  it("sees every committed write at once, and keeps answering after the schema changes", async () => {
    database = await createTestDatabase();
    await writeSql(database.db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
    const count = async () => Number((await readSql<{ n: number }>(database.db, "SELECT count(*) AS n FROM t"))[0]!.n);
    const all = () => readSql<{ extra?: string }>(database.db, "SELECT * FROM t ORDER BY id");
    expect(await count()).toBe(0);
    await writeSql(database.db, "INSERT INTO t (name) VALUES (?)", ["a"]);
    expect(await count()).toBe(1);
    await database.db.write(async (tx) => {
      await tx.run(sql`INSERT INTO t (name) VALUES ('b')`);
    });
    expect(await count()).toBe(2);
    expect((await all()).map((r) => r.extra)).toEqual([undefined, undefined]);
    await writeSql(database.db, "ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    // The same text, prepared before the change: its rows now have a column more.
    expect((await all()).map((r) => r.extra)).toEqual(["x", "x"]);
  });

  it("fails a bad read with the driver's error, and refuses to write", async () => {
    database = await createTestDatabase();
    await expect(readSql(database.db, "SELECT * FROM no_such_table")).rejects.toThrow(/no such table/);
    await expect(readSql(database.db, "SELECT ?", [undefined as never])).rejects.toThrow(/undefined/);
    const pragma = await readSql<{ user_version: number }>(database.db, "PRAGMA user_version");
    expect(pragma[0]!.user_version).toBe(0);
    await writeSql(database.db, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
    await writeSql(database.db, "INSERT INTO t (id) VALUES (1)");
    await expect(readSql(database.db, "DELETE FROM t")).rejects.toThrow(NotAReadError);
    // A write that returns rows is refused too: the read connection never writes.
    await expect(readSql(database.db, "DELETE FROM t RETURNING id")).rejects.toThrow(/readonly/);
    expect(await readSql(database.db, "SELECT id FROM t")).toHaveLength(1);
  });

  it("is not opened with fastPaths: false (EMBEDDED_FAST_PATHS): reads go through the client, as from a libSQL server", async () => {
    database = await createTestDatabase();
    const fast = await openDatabase(database.url, undefined, { fastPaths: true });
    const plain = await openDatabase(database.url, undefined, { fastPaths: false });
    try {
      // The read connection answers the driver's arrays; the client its own row objects.
      expect(Array.isArray((await readSql(fast.db, "SELECT 1 AS one"))[0])).toBe(true);
      const [row] = await readSql<{ one: number }>(plain.db, "SELECT 1 AS one");
      expect(Array.isArray(row)).toBe(false);
      expect(row!.one).toBe(1);
    } finally {
      fast.close();
      plain.close();
    }
  });
});
