// A write transaction. The database client (src/db/client.ts) already queues this process's
// writers and retries another process's lock without blocking the event loop, so this is
// drizzle's transaction under a name that says what it is for.
import type { Db } from "../db/client.js";
import type { Tx } from "./audit.js";

/** An open write transaction (what runWriteTransaction hands its function). */
export type Transaction = Exclude<Tx, Db>;

export async function runWriteTransaction<T>(db: Db, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(fn);
}
