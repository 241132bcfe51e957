// A write transaction that waits its turn. drizzle's libsql transaction begins with BEGIN
// IMMEDIATE on a pooled connection whose busy timeout is 0, so a second writer in the same
// process fails at once with SQLITE_BUSY (and a busy timeout would block the event loop that the
// first writer needs to finish). Instead we retry BEGIN after a short, growing async pause: the
// transaction body has not run yet when BEGIN fails, and a body that fails with BUSY was rolled back.
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

export async function runWriteTransaction<T>(db: Db, fn: (tx: Transaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
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
