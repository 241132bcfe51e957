// Leases on job rows (mail_outbox, imports, ...): a worker claims rows with ONE conditional
// UPDATE ... RETURNING, renews the lease while it works, and releases it when done. Writers are
// serialized by SQLite and the statement's subquery reads inside its own write, so two processes
// on one database never hold the same row; a lease left by a killed process expires and the row is
// claimed again.
import { hostname } from "node:os";
import { and, eq, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./client.js";
import { newId } from "../ids.js";

/** A table with a text `id` and the two lease columns (`locked_until` in ms, `locked_by`). */
export type LeasedTable = SQLiteTable & { id: SQLiteColumn; lockedUntil: SQLiteColumn; lockedBy: SQLiteColumn };

export type ClaimOptions<T extends LeasedTable> = {
  /** What makes a row claimable besides a free lease (status, due time ...). */
  where: SQL | undefined;
  owner: string;
  leaseMs: number;
  limit?: number;
  orderBy?: (SQLiteColumn | SQL)[];
  /** Extra columns to set in the same UPDATE (e.g. status, attempts + 1). */
  set?: Partial<Record<keyof T["$inferInsert"], unknown>>;
  now?: number;
};

/** A name for this worker in `locked_by`: host, process and a random part. */
export function newLeaseOwner(kind: string): string {
  return `${kind}:${hostname()}:${process.pid}:${newId().slice(-12)}`;
}

/** The lease is free: never taken, or expired. */
export function leaseFree(table: LeasedTable, now: number): SQL {
  return or(isNull(table.lockedUntil), lt(table.lockedUntil, new Date(now)))!;
}

/** Claims up to `limit` rows (default 1) in one statement; returns the rows now held. */
export async function claimLeases<T extends LeasedTable>(db: Db, table: T, options: ClaimOptions<T>): Promise<T["$inferSelect"][]> {
  const now = options.now ?? Date.now();
  const claimable = and(options.where, leaseFree(table, now));
  return db.write(async (tx) => {
    const candidates = tx
      .select({ id: table.id })
      .from(table as SQLiteTable)
      .where(claimable)
      .orderBy(...(options.orderBy ?? []))
      .limit(options.limit ?? 1);
    // The generic table defeats drizzle's column inference; the shapes are checked by LeasedTable.
    // biome-ignore lint/suspicious/noExplicitAny: drizzle cannot infer the columns of a generic table; LeasedTable checks them.
    const update = tx.update(table as any).set({ ...options.set, lockedBy: options.owner, lockedUntil: new Date(now + options.leaseMs) } as any);
    // The condition lives in the subquery only: one statement is atomic in SQLite, and repeating
    // it outside leads the planner to scan every claimable row instead of looking up the few ids.
    return (await update.where(inArray(table.id, candidates)).returning()) as T["$inferSelect"][];
  });
}

export async function claimLease<T extends LeasedTable>(db: Db, table: T, options: Omit<ClaimOptions<T>, "limit">): Promise<T["$inferSelect"] | null> {
  const [row] = await claimLeases(db, table, { ...options, limit: 1 });
  return row ?? null;
}

/** Gives rows back (optionally setting other columns in the same UPDATE); only rows `owner` holds. */
export async function releaseLease<T extends LeasedTable>(
  db: Db,
  table: T,
  ids: string | string[],
  owner: string,
  set: Partial<Record<keyof T["$inferInsert"], unknown>> = {},
): Promise<number> {
  const list = typeof ids === "string" ? [ids] : ids;
  if (list.length === 0) return 0;
  const rows = await db.write((tx) =>
    tx
      // biome-ignore lint/suspicious/noExplicitAny: as in claimLeases, LeasedTable checks the columns drizzle cannot infer.
      .update(table as any)
      // biome-ignore lint/suspicious/noExplicitAny: the same generic table.
      .set({ ...set, lockedBy: null, lockedUntil: null } as any)
      .where(and(inArray(table.id, list), eq(table.lockedBy, owner)))
      .returning({ id: table.id }),
  );
  return rows.length;
}
