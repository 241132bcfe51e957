// One libSQL client per process: an embedded file (WAL, foreign keys) by default, or a libSQL
// server named by DATABASE_URL.
//
// The embedded client runs each statement synchronously on a pool of connections. SQLite allows
// one writer at a time, and while one of our transactions holds the write lock between awaits,
// another of our connections asking for it would either fail at once (busy timeout 0) or block
// the whole event loop (a busy timeout), so the holder could never finish. So every write in this
// process waits its turn in one async queue, and a lock held by another process is retried after
// short async pauses instead of a blocking busy wait.
//
// A statement that fails with SQLITE_BUSY is left un-reset by the libsql binding until garbage
// collection; a failed BEGIN IMMEDIATE or INSERT counts as an active writer on its pooled
// connection, so that connection's later COMMIT fails ("SQL statements in progress") and its
// autocommit writes never commit, holding the write lock from every other process. So the lock
// is taken inside a deferred transaction by a no-op write run through exec(), which finalizes
// its statement even when it fails, and every write runs inside such a transaction.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createClient, type Client, type InStatement, type Transaction, type TransactionMode } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "./schema.js";
import { openReadConnection, type ReadConnection } from "./read-connection.js";

export type Db = ReturnType<typeof drizzle<typeof schema>>;
export type Database = { db: Db; client: Client; embedded: boolean };

export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const embedded = url.startsWith("file:") || url === ":memory:";
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)) || ".", { recursive: true });
  const raw = createClient({ url, authToken, ...(embedded ? { timeout: 0, concurrency: POOL_SIZE } : {}) });
  if (embedded) {
    // WAL is a property of the file. Foreign keys are on in every libsql connection already.
    await raw.execute("PRAGMA journal_mode = WAL");
    // synchronous is per connection, and the pool opens its connections as it needs them: asking
    // all of them at once opens every one, each taking the setting. NORMAL is WAL's own advice: a
    // commit no longer waits for the disk (an fsync on this machine's disk blocked the event loop
    // for tens of ms, seconds under load), a crash of the process loses nothing, and a power cut
    // can lose only the last commits, invitations and their emails together.
    await Promise.all(Array.from({ length: POOL_SIZE }, () => raw.execute("PRAGMA synchronous = NORMAL")));
    await retryBusy(() => raw.executeMultiple(`CREATE TABLE IF NOT EXISTS ${LOCK_TABLE} (id INTEGER PRIMARY KEY)`));
  }
  const client = embedded ? serializeWrites(raw, openReadConnection(url)) : raw;
  return { db: drizzle(client, { schema }), client, embedded };
}

const POOL_SIZE = 20;
const READ = /^\s*(select|explain|pragma\s+\w+\s*(;|$))/i;
// A WITH ... SELECT (the type-ahead, the activity filters) is a read: it must not wait in the
// write queue behind a job's transactions, nor take the database's write lock from other processes.
const WRITE_WORD = /\b(insert|update|delete|replace)\b/i;
const isRead = (sql: string) => READ.test(sql) || (/^\s*with\b/i.test(sql) && !WRITE_WORD.test(sql));
const DML = /^\s*(insert|update|delete|replace|with)\b/i;
const LOCK_TABLE = "_write_lock";

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

/** Runs statements in one write transaction: commit on success, roll back on failure. */
async function inWriteTransaction<T>(client: Client, run: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = await beginWrite(client);
  try {
    const result = await run(tx);
    await tx.commit();
    return result;
  } finally {
    tx.close();
  }
}
const sqlOf = (stmt: InStatement) => (typeof stmt === "string" ? stmt : stmt.sql);

export function isBusyError(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || /SQLITE_BUSY|database is locked/.test(e.message)) return true;
  }
  return false;
}

/** Retries what failed on another process's lock (nothing ran) after short async pauses. */
async function retryBusy<T>(run: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!isBusyError(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, 1 + attempt * 2) * (0.5 + Math.random())));
    }
  }
}

function serializeWrites(client: Client, reader: ReadConnection | null): Client {
  let locked = false;
  const waiters: (() => void)[] = [];
  const handOver = () => {
    const next = waiters.shift();
    if (next) next();
    else locked = false;
  };
  /** Waits for the writers before us; answers the function that lets the next one in. A wait
   *  past 30 s means a writer inside a transaction used `db` instead of its `tx`: fail loudly. */
  const acquire = (): Promise<() => void> => {
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        handOver();
      }
    };
    if (!locked) {
      locked = true;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error("Timed out after 30 s waiting for this process's write lock"));
      }, 30_000);
      waiters.push(waiter);
    });
  };
  const exclusive = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await acquire();
    try {
      return await retryBusy(run);
    } finally {
      release();
    }
  };

  return new Proxy(client, {
    get(target, prop, receiver) {
      switch (prop) {
        case "execute":
          return (stmt: InStatement, args?: unknown) => {
            const call = () => (args === undefined ? target.execute(stmt) : target.execute(stmt as string, args as never));
            if (isRead(sqlOf(stmt))) {
              const result = reader?.read(stmt, args);
              return result ? Promise.resolve(result) : call();
            }
            if (!DML.test(sqlOf(stmt))) {
              return exclusive(call).finally(() => reader?.forget()); // a schema change, perhaps
            }
            return exclusive(() => inWriteTransaction(target, (tx) => tx.execute(args === undefined ? stmt : { sql: stmt as string, args: args as never })));
          };
        case "batch":
          return (stmts: InStatement[], mode?: Parameters<Client["batch"]>[1]) =>
            stmts.every((s) => isRead(sqlOf(s))) ? target.batch(stmts, mode) : exclusive(() => inWriteTransaction(target, async (tx) => {
              const results = [];
              for (const s of stmts) results.push(await tx.execute(s));
              return results;
            }));
        case "migrate":
          return (stmts: InStatement[]) => exclusive(() => target.migrate(stmts));
        case "close":
          return () => {
            reader?.close();
            target.close();
          };
        case "executeMultiple":
          return (sql: string) => exclusive(() => target.executeMultiple(sql));
        case "transaction":
          return async (mode?: TransactionMode) => {
            if (mode === "read") return target.transaction("read");
            // Deferred transactions could meet a lock halfway; take it up front instead.
            const release = await acquire();
            let tx: Transaction;
            try {
              tx = await beginWrite(target);
            } catch (err) {
              release();
              throw err;
            }
            return new Proxy(tx, {
              get(txTarget, txProp) {
                const value = Reflect.get(txTarget, txProp, txTarget);
                if (txProp === "commit" || txProp === "rollback") {
                  return async () => {
                    try {
                      return await (value as () => Promise<void>).call(txTarget);
                    } finally {
                      release();
                    }
                  };
                }
                if (txProp === "close") {
                  return () => {
                    (value as () => void).call(txTarget);
                    release();
                  };
                }
                return typeof value === "function" ? value.bind(txTarget) : value;
              },
            });
          };
        default: {
          const value = Reflect.get(target, prop, receiver);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
}
