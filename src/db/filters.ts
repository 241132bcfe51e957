// Conditions that filter the rows another condition finds.
//
// Rows found by a list of ids (`id IN (…)`, or a json_each list) usually sit beside their
// organization (`org_id = ?`) as a guard. Without statistics SQLite takes an equality on an
// index's first column for about ten rows, so with more than a few ids it would rather walk the
// organization's whole index and test each row against the list (EXPLAIN: "SEARCH members USING
// INDEX members_org_sort (org_id=?)"): 200,000 rows to archive twenty people. `+column` makes the
// equality unusable as an index key: the list's own index finds the rows, and the guard still holds.
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** `+column = value`: checked on every row found, never searched by. */
export const guardEq = (column: SQLiteColumn, value: unknown): SQL => sql`+${column} = ${value}`;
