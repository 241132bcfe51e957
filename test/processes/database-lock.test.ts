// Two database clients on one file stand for two processes: each has its own connections, so
// SQLite's file lock is all they share. A write that waited for the other's lock must not leave
// its connection unable to commit, nor holding the lock afterwards.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../../src/db/client.js";

let dir: string;
let opened: Database[] = [];
afterEach(() => {
  for (const d of opened) d.client.close();
  opened = [];
  rmSync(dir, { recursive: true, force: true });
});

async function twoProcesses(): Promise<[Database, Database]> {
  dir = mkdtempSync(join(tmpdir(), "admin-center-lock-"));
  const url = `file:${join(dir, "app.db")}`;
  const a = await openDatabase(url);
  const b = await openDatabase(url);
  opened = [a, b];
  await a.client.execute("CREATE TABLE t (x INTEGER)");
  return [a, b];
}

const held = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("two processes writing one database file", () => {
  it("a write that waited for the other process's lock leaves its connections able to commit and to let go", async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < 3; round++) {
      const txA = await a.client.transaction("write");
      await txA.execute("INSERT INTO t VALUES (1)");
      // B's autocommit insert and B's transaction both meet A's lock and wait for it.
      const insert = b.client.execute("INSERT INTO t VALUES (2)");
      const batch = b.client.batch(["INSERT INTO t VALUES (3)", "INSERT INTO t VALUES (4)"]);
      await held(60);
      await txA.commit();
      await insert;
      await batch;
      const txB = await b.client.transaction("write");
      await txB.execute("INSERT INTO t VALUES (5)");
      await txB.commit();
      // B holds no lock now: A can write at once, in a transaction and outside one.
      await a.client.execute("INSERT INTO t VALUES (6)");
      const txA2 = await a.client.transaction("write");
      await txA2.execute("INSERT INTO t VALUES (7)");
      await txA2.commit();
    }
    const counted = await a.client.execute("SELECT x, count(*) AS n FROM t GROUP BY x ORDER BY x");
    expect(counted.rows.map((r) => [Number(r.x), Number(r.n)])).toEqual([[1, 3], [2, 3], [3, 3], [4, 3], [5, 3], [6, 3], [7, 3]]);
  });

  it("drizzle transactions in both processes at once all commit", async () => {
    const [a, b] = await twoProcesses();
    const writers = [a, b].flatMap((d, k) => Array.from({ length: 20 }, (_, i) => d.client.transaction("write").then(async (tx) => {
      await tx.execute({ sql: "INSERT INTO t VALUES (?)", args: [k * 100 + i] });
      await held(2);
      await tx.commit();
    })));
    const plain = [a, b].flatMap((d, k) => Array.from({ length: 20 }, (_, i) => d.client.execute({ sql: "INSERT INTO t VALUES (?)", args: [1000 + k * 100 + i] })));
    await Promise.all([...writers, ...plain]);
    expect(Number((await b.client.execute("SELECT count(DISTINCT x) AS n FROM t")).rows[0]!.n)).toBe(80);
  });

  it("a WITH ... SELECT read does not wait behind this process's open write transaction, nor take the other process's lock", async () => {
    const [a, b] = await twoProcesses();
    const txA = await a.client.transaction("write");
    await txA.execute("INSERT INTO t VALUES (1)");
    const read = (d: Database) => Promise.race([
      d.client.execute("WITH recent AS (SELECT x FROM t) SELECT count(*) AS n FROM recent").then((r) => Number(r.rows[0]!.n)),
      held(2_000).then(() => "waited"),
    ]);
    expect(await read(a)).toBe(0);
    expect(await read(b)).toBe(0);
    await txA.commit();
    expect(await read(b)).toBe(1);
  });
});
