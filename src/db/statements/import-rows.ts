// Storing and deleting an upload's rows: many rows a statement, as ONE JSON parameter
// (preparing a 500-tuple VALUES statement costs more than running it).
import type { Tx } from "../types.js";
import { runStatement } from "../driver.js";

const INSERT_ROWS = `INSERT INTO import_rows (import_id, org_id, row_number, value, email_norm)
  SELECT ?1, ?2, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?3)`;
// import_rows is WITHOUT ROWID (drizzle/0019): rows are found by their key, the import and the row number.
const DELETE_ROWS = `DELETE FROM import_rows WHERE import_id = ?1 AND row_number IN
  (SELECT row_number FROM import_rows WHERE import_id = ?1 AND org_id = ?2 ORDER BY row_number LIMIT ?3)`;

export const statements = { INSERT_ROWS, DELETE_ROWS };

/** One stored row as given: its line's number, the cell, and its address key (null when not an address). */
export type NewImportRow = [rowNumber: number, value: string, emailNorm: string | null];

export async function insertImportRows(tx: Tx, importId: string, orgId: string, rows: NewImportRow[]): Promise<void> {
  await runStatement(tx, { sql: INSERT_ROWS, args: [importId, orgId, JSON.stringify(rows)] });
}

/** Deletes up to `limit` of the import's rows; answers how many went. */
export async function deleteImportRows(tx: Tx, importId: string, orgId: string, limit: number): Promise<number> {
  return (await runStatement(tx, { sql: DELETE_ROWS, args: [importId, orgId, limit] })).rowsAffected;
}
