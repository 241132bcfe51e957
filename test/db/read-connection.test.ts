// The embedded read path answers what the libSQL client would: the same rows (named and
// positional values, length), the same errors, and writes still go through the client.
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "@libsql/client";
import { sql } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
afterEach(() => database?.close());

describe("the embedded read connection", () => {
  it("answers rows the client would, read through our client and through a plain one", async () => {
    database = await createTestDatabase();
    await database.client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB, score REAL)");
    await database.client.execute({ sql: "INSERT INTO t (id, name, data, score) VALUES (?, ?, ?, ?), (?, ?, ?, ?)", args: [1, "Ann", new Uint8Array([1, 2]).buffer, 1.5, 2, null, null, true] });
    const plain = createClient({ url: database.url });
    const query = { sql: "SELECT t.id, t.name, t.data, t.score, u.id FROM t LEFT JOIN t AS u ON u.id = t.id + 1 WHERE t.id >= ? ORDER BY t.id", args: [1] };
    const ours = await database.client.execute(query);
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
    await database.client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
    const count = async () => Number((await database.client.execute("SELECT count(*) AS n FROM t")).rows[0]!.n);
    expect(await count()).toBe(0);
    await database.client.execute({ sql: "INSERT INTO t (name) VALUES (?)", args: ["a"] });
    expect(await count()).toBe(1);
    await database.db.transaction(async (tx) => {
      await tx.run(sql`INSERT INTO t (name) VALUES ('b')`);
    });
    expect(await count()).toBe(2);
    await database.client.execute("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    const { rows } = await database.client.execute("SELECT * FROM t ORDER BY id");
    expect(rows.map((r) => r.extra)).toEqual(["x", "x"]);
  });

  it("fails a bad read with the client's own error, and runs what returns no rows through the client", async () => {
    database = await createTestDatabase();
    await expect(database.client.execute("SELECT * FROM no_such_table")).rejects.toThrow(/no such table/);
    await expect(database.client.execute({ sql: "SELECT ?", args: [undefined as never] })).rejects.toThrow(/undefined/);
    const pragma = await database.client.execute("PRAGMA user_version");
    expect(pragma.rows[0]!.user_version).toBe(0);
  });
});
