// The database as the application sees it (opened by client.ts): reads outside transactions, and
// one way to write.
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "./schema.js";

type Full = LibSQLDatabase<typeof schema>;
/** The read methods of a drizzle database: what `Db` and `Tx` both offer. */
type ReadMethods = "select" | "selectDistinct" | "query" | "all" | "get" | "values" | "$count";

/** An open write transaction: drizzle's, with every statement on the one connection that holds the lock. */
export type Tx = Parameters<Parameters<Full["transaction"]>[0]>[0];

/** The application's database: reads outside transactions, and the one way to write. */
export type Db = Pick<Full, ReadMethods> & {
  /** Runs `run` in a write transaction (this process's writers one at a time): commits what it
   *  did when it returns, rolls it back when it throws. Never call it inside `run`: it would wait
   *  for itself. */
  write<T>(run: (tx: Tx) => Promise<T>): Promise<T>;
};

/** Reads that work the same outside a transaction and inside one. */
export type Queryable = Pick<Db | Tx, ReadMethods>;
