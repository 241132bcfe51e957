// The database thread: checkpoints: after checkpoint() every page the WAL holds is in the database
// file, so the next write starts the WAL over instead of growing it; stop() ends the thread.
import { statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runsDatabaseThread, startDatabaseThread, type DatabaseThread } from "../../src/jobs/database-thread.js";
import { createTestDatabase, readSql, writeSql, type TestDatabase } from "../support/db.js";

let database: TestDatabase;
let checkpointer: DatabaseThread | null = null;

beforeEach(async () => {
  database = await createTestDatabase();
  await writeSql(database.db, "CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)");
});
afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = null;
  database.close();
});

const walBytes = () => statSync(`${database.path}-wal`).size;
const write = (rows: number) =>
  writeSql(database.db, "INSERT INTO filler (body) SELECT printf('%.2000c', 'x') FROM json_each(?)", [JSON.stringify(Array(rows).fill(0))]);

describe("startDatabaseThread", () => {
  it("copies the WAL into the database file, so the next writes reuse the WAL from its start", async () => {
    checkpointer = startDatabaseThread(database.url, { idleMs: 60_000 });
    expect(checkpointer).not.toBeNull();
    await write(200); // ~100 pages, under the 1,000 at which SQLite checkpoints inside a commit
    const before = walBytes();
    await checkpointer!.checkpoint();
    const [row] = await readSql<unknown[]>(database.db, "PRAGMA wal_checkpoint(NOOP)");
    // NOOP reports without copying: nothing is left to copy.
    expect(Number(row![1])).toBe(Number(row![2]));
    await write(200);
    await checkpointer!.checkpoint();
    await write(200);
    // Without the checkpoints the WAL would hold three batches; with them it holds about one.
    expect(walBytes()).toBeLessThan(before * 1.5);
    expect(Number((await readSql<unknown[]>(database.db, "SELECT count(*) FROM filler"))[0]![0])).toBe(600);
  });

  it("with a bound (waitPastPages), keeps the WAL near the bound: past it, the answer waits for the copy so the next writes start the WAL over", async () => {
    checkpointer = startDatabaseThread(database.url, { idleMs: 60_000 });
    await write(200);
    await checkpointer!.checkpoint();
    const batch = walBytes(); // ~100 pages
    // A bound of ~2.5 batches, twelve batches: without a checkpoint the WAL would hold all twelve.
    for (let i = 0; i < 12; i++) {
      await write(200);
      await checkpointer!.checkpoint({ waitPastPages: 250 });
    }
    // At most the bound, the batch the thread had not seen yet, and the one written beside the copy.
    expect(walBytes()).toBeLessThan(batch * 5);
    expect(Number((await readSql<unknown[]>(database.db, "SELECT count(*) FROM filler"))[0]![0])).toBe(200 * 13);
  });

  it("runs in a server process with workers on a local file, unless the fast paths are off: only then do its commits leave checkpoints to it", () => {
    const config = { workers: true, embeddedFastPaths: true, databaseUrl: "file:data/app.db" };
    expect(runsDatabaseThread(config)).toBe(true);
    expect(runsDatabaseThread({ ...config, workers: false })).toBe(false);
    expect(runsDatabaseThread({ ...config, embeddedFastPaths: false })).toBe(false);
    expect(runsDatabaseThread({ ...config, databaseUrl: "libsql://example.turso.io" })).toBe(false);
    expect(runsDatabaseThread({ ...config, databaseUrl: ":memory:" })).toBe(false);
  });

  it("is not started for a database that is not a local file, and stop() settles a waiting checkpoint", async () => {
    expect(startDatabaseThread(":memory:")).toBeNull();
    expect(startDatabaseThread("libsql://example.turso.io")).toBeNull();
    checkpointer = startDatabaseThread(database.url);
    const waiting = checkpointer!.checkpoint();
    await checkpointer!.stop();
    await waiting;
    await checkpointer!.checkpoint(); // after stop: answers at once
    checkpointer = null;
  });

  it("answers at once with an error when its file cannot be opened, instead of leaving the job waiting", async () => {
    const broken = startDatabaseThread("file:/nonexistent-folder/for/sure/app.db")!;
    try {
      const answer = await Promise.race([
        broken.read("SELECT 1", []).then(
          () => "rows",
          (error: Error) => `error: ${error.message}`,
        ),
        new Promise((resolve) => setTimeout(() => resolve("no answer in 5 s"), 5_000)),
      ]);
      expect(answer).toMatch(/^error: /);
      // Asked again after it died: the same, at once.
      await expect(broken.read("SELECT 1", [])).rejects.toThrow();
      await broken.checkpoint();
    } finally {
      await broken.stop();
    }
  });

  it("says when its connection is open, and why it stopped when it could not open one", async () => {
    const ready = await new Promise<string>((resolve) => {
      checkpointer = startDatabaseThread(database.url, { onReady: () => resolve("ready"), onError: (error) => resolve(`error: ${error.message}`) });
      setTimeout(() => resolve("no word in 10 s"), 10_000);
    });
    expect(ready).toBe("ready");
    let broken: ReturnType<typeof startDatabaseThread> = null;
    const failed = await new Promise<string>((resolve) => {
      broken = startDatabaseThread("file:/nonexistent-folder/for/sure/app.db", {
        onReady: () => resolve("ready"),
        onError: (error) => resolve(`error: ${error.message}`),
      });
      setTimeout(() => resolve("no word in 10 s"), 10_000);
    });
    await broken!.stop();
    expect(failed).toMatch(/^error: /);
  });
});
