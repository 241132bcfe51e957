// A write transaction. The database client (src/db/client.ts) already queues this process's
// writers and retries another process's lock without blocking the event loop, so this is
// drizzle's transaction under a name that says what it is for.
import type { Db } from "../db/client.js";
import type { Tx } from "./audit.js";

type Transaction = Exclude<Tx, Db>;

/** Called with an open transaction (a SCIM request provisions and invites as one), `fn` runs in a
 *  savepoint of it: its work commits or rolls back with the caller's. */
export async function runWriteTransaction<T>(db: Tx, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return (db as Db).transaction(fn);
}
