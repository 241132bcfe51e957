// Two databases opened on one file stand for two processes: each has its own connections, so
// SQLite's file lock is all they share. A write that waited for the other's lock must not leave
// its connection unable to commit, nor holding the lock afterwards.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "../../src/db/client.js";
import { readSql, writeSql } from "../support/db.js";

let dir: string;
let opened: Database[] = [];
afterEach(() => {
  for (const d of opened) d.close();
  opened = [];
  rmSync(dir, { recursive: true, force: true });
});

async function twoProcesses(): Promise<[Database, Database]> {
  dir = mkdtempSync(join(tmpdir(), "admin-center-lock-"));
  const url = `file:${join(dir, "app.db")}`;
  const a = await openDatabase(url);
  const b = await openDatabase(url);
  opened = [a, b];
  await writeSql(a.db, "CREATE TABLE t (x INTEGER)");
  return [a, b];
}

const held = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const insert = (d: Database, x: number) => d.db.write((tx) => tx.run(sql`INSERT INTO t VALUES (${x})`));

/** A write transaction that inserts `x` and stays open (holding the lock) until commit() is called. */
async function openWrite(d: Database, x: number): Promise<{ commit(): Promise<void> }> {
  let finish!: () => void;
  let started!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const inserted = new Promise<void>((resolve) => (started = resolve));
  const result = d.db.write(async (tx) => {
    await tx.run(sql`INSERT INTO t VALUES (${x})`);
    started();
    await done;
  });
  await Promise.race([inserted, result]);
  return {
    commit: () => {
      finish();
      return result;
    },
  };
}

describe("two processes writing one database file", () => {
  it("a write that waited for the other process's lock leaves its connections able to commit and to let go", async () => {
    const [a, b] = await twoProcesses();
    for (let round = 0; round < 3; round++) {
      const txA = await openWrite(a, 1);
      // B's one-statement write and B's two-statement write both meet A's lock and wait for it.
      const single = insert(b, 2);
      const double = b.db.write(async (tx) => {
        await tx.run(sql`INSERT INTO t VALUES (3)`);
        await tx.run(sql`INSERT INTO t VALUES (4)`);
      });
      await held(60);
      await txA.commit();
      await single;
      await double;
      await insert(b, 5);
      // B holds no lock now: A can write at once, a statement and a transaction held open.
      await insert(a, 6);
      const txA2 = await openWrite(a, 7);
      await txA2.commit();
    }
    const counted = await readSql<{ x: number; n: number }>(a.db, "SELECT x, count(*) AS n FROM t GROUP BY x ORDER BY x");
    expect(counted.map((r) => [Number(r.x), Number(r.n)])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
      [4, 3],
      [5, 3],
      [6, 3],
      [7, 3],
    ]);
  });

  it("write transactions in both processes at once all commit", async () => {
    const [a, b] = await twoProcesses();
    const writers = [a, b].flatMap((d, k) =>
      Array.from({ length: 20 }, (_, i) =>
        d.db.write(async (tx) => {
          await tx.run(sql`INSERT INTO t VALUES (${k * 100 + i})`);
          await held(2);
        }),
      ),
    );
    const plain = [a, b].flatMap((d, k) => Array.from({ length: 20 }, (_, i) => insert(d, 1000 + k * 100 + i)));
    await Promise.all([...writers, ...plain]);
    expect(Number((await readSql<{ n: number }>(b.db, "SELECT count(DISTINCT x) AS n FROM t"))[0]!.n)).toBe(80);
  });

  it("a WITH ... SELECT read does not wait behind this process's open write transaction, nor take the other process's lock", async () => {
    const [a, b] = await twoProcesses();
    const txA = await openWrite(a, 1);
    const read = (d: Database) =>
      Promise.race([
        d.db.all<{ n: number }>(sql`WITH recent AS (SELECT x FROM t) SELECT count(*) AS n FROM recent`).then((r) => Number(r[0]!.n)),
        held(2_000).then(() => "waited"),
      ]);
    expect(await read(a)).toBe(0);
    expect(await read(b)).toBe(0);
    await txA.commit();
    expect(await read(b)).toBe(1);
  });
});
