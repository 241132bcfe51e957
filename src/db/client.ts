// One database per process: an embedded file (WAL, foreign keys) by default, or a libSQL server
// named by DATABASE_URL. The caller says what a statement does: `db.select(…)` and the other
// read methods read, outside any transaction; `db.write(tx => …)` runs its statements in one
// write transaction, committed when the function returns and rolled back when it throws.
//
// The embedded client runs each statement synchronously on a pool of connections. SQLite allows
// one writer at a time, and while one of our transactions holds the write lock between awaits,
// another of our connections asking for it would either fail at once (busy timeout 0) or block
// the whole event loop (a busy timeout), so the holder could never finish. So every write in this
// process waits its turn in one async queue (write-queue.ts), and a lock held by another process
// is retried after short async pauses instead of a blocking busy wait.
//
// A statement that fails with SQLITE_BUSY is left un-reset by the libsql binding until garbage
// collection; a failed BEGIN IMMEDIATE or INSERT counts as an active writer on its pooled
// connection, so that connection's later COMMIT fails ("SQL statements in progress") and its
// autocommit writes never commit, holding the write lock from every other process. So the lock
// is taken inside a deferred transaction by a no-op write run through exec(), which finalizes
// its statement even when it fails, and every write runs inside such a transaction.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient, type Client, type InStatement, type Transaction } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { LibSQLSession, LibSQLTransaction } from "drizzle-orm/libsql/session";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import * as schema from "./schema.js";
import { registerDriver } from "./driver.js";
import type { Db, Tx } from "./types.js";
import { openReadConnection } from "./read-connection.js";
import { createWriteQueue, retryBusy } from "./write-queue.js";

export type { Db, Queryable, Tx } from "./types.js";

export type Database = { db: Db; embedded: boolean; close(): void };

/**
 * Connections of the embedded client. Its writes take turns (the write queue: one transaction at
 * a time) and its reads are synchronous calls that hand their connection back before anything
 * else runs, so two are ever borrowed at once; each open connection keeps its own schema and a
 * page cache of up to 2 MB, which twenty of them filled for nothing.
 */
export const POOL_SIZE = 4;
const LOCK_TABLE = "_write_lock";

/** `fastPaths: false` (EMBEDDED_FAST_PATHS) reads an embedded file through the client, as a libSQL
 *  server is read. `autoCheckpoint: false`: no commit checkpoints the WAL, because the database
 *  thread does (src/jobs/database-thread.ts; the caller starts it). `onRead` and `onWrite` (tests)
 *  are shown every read statement, and every statement of a write transaction, before it runs. */
export async function openDatabase(
  url: string,
  authToken?: string,
  options: { fastPaths?: boolean; autoCheckpoint?: boolean; onRead?: (stmt: InStatement) => void; onWrite?: (sql: string) => void } = {},
): Promise<Database> {
  const embedded = url.startsWith("file:") || url === ":memory:";
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)) || ".", { recursive: true });
  const client = createClient({ url, authToken, ...(embedded ? { timeout: 0, concurrency: POOL_SIZE } : {}) });
  if (embedded) {
    // WAL is a property of the file. Foreign keys are on in every libsql connection already.
    await client.execute("PRAGMA journal_mode = WAL");
    // synchronous is per connection, and the pool opens its connections as it needs them: asking
    // all of them at once opens every one, each taking the setting. NORMAL is WAL's own advice: a
    // commit no longer waits for the disk (an fsync blocked the event loop for tens of ms, seconds
    // under load), a crash of the process loses nothing, and a power cut can lose only the last
    // commits, invitations and their emails together.
    await Promise.all(Array.from({ length: POOL_SIZE }, () => client.execute("PRAGMA synchronous = NORMAL")));
    // SQLite otherwise checkpoints inside the COMMIT that takes the WAL past 1,000 pages: it copies
    // them into the database file and syncs it, synchronously, on the event loop. A bulk write (a
    // Send Invite transaction of 2,000 people writes ~40 MB) would hold every request that long.
    if (options.autoCheckpoint === false) await Promise.all(Array.from({ length: POOL_SIZE }, () => client.execute("PRAGMA wal_autocheckpoint = 0")));
    await retryBusy(() => client.executeMultiple(`CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id INTEGER PRIMARY KEY)`));
  }
  const reader = embedded && options.fastPaths !== false ? openReadConnection(url) : null;
  const queue = embedded ? createWriteQueue() : null;

  const direct = reader ? async (stmt: InStatement) => reader.read(stmt) : (stmt: InStatement) => client.execute(stmt);
  const { onRead } = options;
  const readStatement = onRead
    ? (stmt: InStatement) => {
        onRead(stmt);
        return direct(stmt);
      }
    : direct;
  // Drizzle runs a read's SQL through `execute`; nothing else of a client is reached through `Db`.
  const readClient = { execute: readStatement } as unknown as Client;
  const reads = drizzle({ client: readClient, schema });
  const dialect = new SQLiteAsyncDialect();
  const relational = { fullSchema: reads._.fullSchema, schema: reads._.schema!, tableNamesMap: reads._.tableNamesMap };

  const { onWrite } = options;
  const sessionOptions = onWrite ? { logger: { logQuery: (query: string) => onWrite(query) } } : {};
  const write = async <T>(run: (tx: Tx) => Promise<T>): Promise<T> => {
    const inTransaction = async () => {
      const opened = embedded ? await beginWrite(client) : await client.transaction("write");
      try {
        const tx: Tx = new LibSQLTransaction("async", dialect, new LibSQLSession(client, dialect, relational, sessionOptions, opened), relational);
        registerDriver(tx, { transaction: opened });
        const result = await run(tx);
        await opened.commit();
        return result;
      } finally {
        opened.close(); // after a commit: nothing; otherwise a rollback
      }
    };
    return queue ? queue.exclusive(inTransaction) : inTransaction();
  };

  const db = Object.assign(reads, { write }) as Db;
  registerDriver(db, {
    read: readStatement,
    client,
    migrate: async (stmts: InStatement[]) => {
      const run = () => client.migrate(stmts);
      const results = await (queue ? queue.exclusive(() => retryBusy(run)) : run());
      reader?.forget(); // a kept statement would still name the columns it had
      return results;
    },
  });
  return {
    db,
    embedded,
    close() {
      reader?.close();
      client.close();
    },
  };
}

/** A write transaction on `client`, its lock taken without leaving a stuck statement behind (see the top). */
async function beginWrite(client: Client): Promise<Transaction> {
  return retryBusy(async () => {
    const tx = await client.transaction("deferred");
    try {
      await tx.executeMultiple(`DELETE FROM ${LOCK_TABLE} WHERE 0`);
      return tx;
    } catch (err) {
      tx.close();
      throw err;
    }
  });
}
