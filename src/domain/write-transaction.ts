// A write transaction that waits its turn. drizzle's libsql transaction begins with BEGIN
// IMMEDIATE on a pooled connection; a second writer then fails with SQLITE_BUSY, at once (busy
// timeout 0 on most pooled connections) or after blocking the whole process (5 s on the first).
// So writers through here queue in-process, and a BUSY from another process or another writer is
// retried after a short async pause: a failed BEGIN ran nothing, a failed body was rolled back.
import type { Db } from "../db/client.js";
import type { Tx } from "./audit.js";

type Transaction = Exclude<Tx, Db>;

const isBusy = (err: unknown): boolean => {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === "SQLITE_BUSY" || /SQLITE_BUSY|database is locked/.test(e.message)) return true;
  }
  return false;
};

// Our own writers queue here first: waiting on SQLite's busy handler would block the event loop
// (statements run synchronously), so the holder of the lock could never finish.
const queues = new WeakMap<Db, Promise<unknown>>();

export async function runWriteTransaction<T>(db: Db, fn: (tx: Transaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const previous = queues.get(db) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withRetry(db, fn, options.timeoutMs ?? 10_000));
  queues.set(db, run.catch(() => undefined));
  return run;
}

async function withRetry<T>(db: Db, fn: (tx: Transaction) => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction(fn, { behavior: "immediate" });
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      const pause = Math.min(50, 1 + attempt * 2) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
