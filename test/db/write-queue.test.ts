// "Another process holds the lock", recognized one way (isBusyError) wherever it comes from: the
// native driver, the libSQL client, or wrapped as the cause of another error. Real errors, from
// a real lock held on a real file.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, describe, expect, it } from "vitest";
import { isBusyError } from "../../src/db/write-queue.js";

type NativeDatabase = { exec(sql: string): void; close(): void };
const Database = createRequire(import.meta.url)("libsql") as new (path: string, options?: { timeout: number }) => NativeDatabase;

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const caught = async (run: () => unknown): Promise<unknown> => {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected it to fail");
};

describe("isBusyError", () => {
  it("knows SQLite's busy from the driver, the client and inside another error's cause; nothing else", async () => {
    dir = mkdtempSync(join(tmpdir(), "admin-center-busy-"));
    const path = join(dir, "app.db");
    const holder = new Database(path);
    holder.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)");
    holder.exec("BEGIN IMMEDIATE");
    const other = new Database(path, { timeout: 0 });
    const client = createClient({ url: `file:${path}`, timeout: 0 });
    try {
      const native = await caught(() => other.exec("INSERT INTO t VALUES (1)"));
      const fromClient = await caught(() => client.execute("INSERT INTO t VALUES (2)"));
      const wrapped = new Error("validating a chunk failed", { cause: fromClient });
      const notBusy = await caught(() => other.exec("INSERT INTO no_such_table VALUES (1)"));
      expect([isBusyError(native), isBusyError(fromClient), isBusyError(wrapped)]).toEqual([true, true, true]);
      expect([isBusyError(notBusy), isBusyError(new Error("fetch failed")), isBusyError("SQLITE_BUSY"), isBusyError(undefined)]).toEqual([
        false,
        false,
        false,
        false,
      ]);
    } finally {
      holder.exec("ROLLBACK");
      client.close();
      other.close();
      holder.close();
    }
  });
});
