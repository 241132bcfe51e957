// The statements of an import's validation (src/domain/import-validation.ts and its helpers).
// Reads answer ONE row holding the result as JSON or one joined string: libsql builds a JS object
// per result row, which costs more than the lookups themselves.
import type { Db, Tx } from "../types.js";
import { readStatement, runStatement, runStatements } from "../driver.js";

// Members are matched by person: inviteMembers always records the directory person.
const CHUNK = `
  SELECT json_group_array(json_array(row_number, value, email_norm, person_id, enabled, removed, member_status)) FROM (
    SELECT r.row_number, r.value, r.email_norm, p.id AS person_id, p.account_enabled AS enabled, p.removed_at IS NOT NULL AS removed,
      (SELECT m.status FROM members m WHERE m.person_id = p.id AND m.org_id = ?2 LIMIT 1) AS member_status
    FROM import_rows r
    LEFT JOIN directory_people p ON p.rowid = COALESCE(
      (SELECT rowid FROM directory_people WHERE org_id = ?2 AND mail_norm = r.email_norm LIMIT 1),
      (SELECT rowid FROM directory_people WHERE org_id = ?2 AND upn_norm = r.email_norm LIMIT 1))
    WHERE r.import_id = ?1 AND r.row_number > ?3
    ORDER BY r.row_number LIMIT ?4)`;

// LIMIT -1 keeps the JSON a materialized table that drives the primary-key lookups.
const WRITE_VERDICTS = `
  UPDATE import_rows SET outcome = v.outcome, code = v.code, message = v.message, suggestion = v.suggestion, person_id = v.person_id
  FROM (SELECT value ->> 0 AS row_number, value ->> 1 AS outcome, value ->> 2 AS code, value ->> 3 AS message,
          value ->> 4 AS suggestion, value ->> 5 AS person_id FROM json_each(?4) LIMIT -1) AS v
  WHERE import_rows.import_id = ?1 AND import_rows.row_number = v.row_number AND import_rows.outcome IS NULL
    AND EXISTS (SELECT 1 FROM imports WHERE id = ?1 AND locked_by = ?2 AND cursor_row = ?3)`;

const ADD_COUNTS = `UPDATE imports SET processed = processed + ?, ready_count = ready_count + ?, skipped_count = skipped_count + ?,
    error_count = error_count + ?, suggestion_count = suggestion_count + ?, cursor_row = ?, locked_until = ?
  WHERE id = ? AND locked_by = ? AND cursor_row = ?`;

const FINISH = `UPDATE imports SET status = 'ready', finished_at = ?1, checked_at = ?1, cursor_row = 0, locked_by = NULL, locked_until = NULL
  WHERE id = ?2 AND locked_by = ?3 AND status = 'validating'`;

const VALIDATED_ROWS = `SELECT json_group_array(json_array(row_number, email_norm, person_id, code, suggestion IS NOT NULL)) FROM (
    SELECT row_number, email_norm, person_id, code, suggestion FROM import_rows
    WHERE import_id = ?1 AND row_number > ?2 AND row_number <= ?3 ORDER BY row_number LIMIT ?4)`;

const typoPeople = (join: string, param: string) => `
  SELECT j.value AS k, p.id AS id, p.display_name AS name, p.account_enabled AS enabled, p.removed_at IS NOT NULL AS removed,
    (SELECT m.status FROM members m WHERE m.person_id = p.id AND m.org_id = ?1 ORDER BY m.status = 'archived' LIMIT 1) AS member
  FROM json_each(${param}) j CROSS JOIN directory_people p ON ${join}`;
const TYPO_PEOPLE = `SELECT json_group_array(json_array(k, id, name, enabled, removed, member)) FROM (
    ${typoPeople("p.org_id = ?1 AND p.mail_norm = j.value", "?2")}
    UNION ALL ${typoPeople("p.org_id = ?1 AND p.upn_norm = j.value", "?2")}
    UNION ALL ${typoPeople("p.rowid = j.value AND p.org_id = ?1", "?3")})`;

const addresses = (column: "mail_norm" | "upn_norm") => `SELECT group_concat(${column} || char(9) || rowid, char(10)), count(*) FROM (
    SELECT ${column}, rowid FROM directory_people WHERE org_id = ?1 AND (${column}, rowid) > (?2, ?3)
    ORDER BY ${column}, rowid LIMIT ?4)`;
const ADDRESSES = { mail_norm: addresses("mail_norm"), upn_norm: addresses("upn_norm") };

export const statements = {
  CHUNK,
  WRITE_VERDICTS,
  ADD_COUNTS,
  FINISH,
  VALIDATED_ROWS,
  TYPO_PEOPLE,
  MAIL_ADDRESSES: ADDRESSES.mail_norm,
  UPN_ADDRESSES: ADDRESSES.upn_norm,
};

/** The first value of a one-row answer holding JSON, parsed; [] when empty. */
const jsonOf = <T>(rows: ArrayLike<ArrayLike<unknown>>): T[] => JSON.parse(String(rows[0]?.[0] ?? "[]")) as T[];

/** A stored row with its directory person (by mail, else by UPN, ignoring case) and membership. */
export type ChunkRow = [
  rowNumber: number,
  value: string,
  emailNorm: string | null,
  personId: string | null,
  enabled: number | null,
  removed: number | null,
  memberStatus: string | null,
];

/** The CHUNK statement: up to `size` rows after row `after` (the database thread runs it too). */
export function chunkStatement(importId: string, orgId: string, after: number, size: number): { sql: string; args: (string | number)[] } {
  return { sql: CHUNK, args: [importId, orgId, after, size] };
}

/** CHUNK's answer, as rows. */
export const parseChunk = (rows: ArrayLike<ArrayLike<unknown>>): ChunkRow[] => jsonOf<ChunkRow>(rows);

export async function readImportChunk(db: Db, importId: string, orgId: string, after: number, size: number): Promise<ChunkRow[]> {
  return parseChunk((await readStatement(db, chunkStatement(importId, orgId, after, size))).rows);
}

export type ChunkVerdicts = {
  importId: string;
  owner: string;
  cursorRow: number;
  /** [rowNumber, outcome, code, message, suggestion, personId] per row. */
  verdicts: [number, string, string, string, string | null, string | null][];
  counts: { processed: number; ready: number; skipped: number; errors: number; suggestions: number };
  lastRow: number;
  leaseUntil: number;
};

/** Writes a chunk's verdicts and adds its counts, both only while `owner` holds the import at
 *  `cursorRow`; false when it does not (nothing was written). */
export async function writeChunkVerdicts(tx: Tx, chunk: ChunkVerdicts): Promise<boolean> {
  const { importId, owner, cursorRow, counts } = chunk;
  const [, counted] = await runStatements(tx, [
    { sql: WRITE_VERDICTS, args: [importId, owner, cursorRow, JSON.stringify(chunk.verdicts)] },
    {
      sql: ADD_COUNTS,
      args: [counts.processed, counts.ready, counts.skipped, counts.errors, counts.suggestions, chunk.lastRow, chunk.leaseUntil, importId, owner, cursorRow],
    },
  ]);
  return counted!.rowsAffected === 1;
}

/** The import is validated: ready, released. False when `owner` no longer holds it. */
export async function finishValidation(tx: Tx, importId: string, owner: string, now: number): Promise<boolean> {
  return (await runStatement(tx, { sql: FINISH, args: [now, importId, owner] })).rowsAffected === 1;
}

export type ValidatedRow = [rowNumber: number, emailNorm: string | null, personId: string | null, code: string | null, typo: number];

/** Rows after `after` up to `upTo` (at most `limit`) with their verdicts, in row order. */
export async function readValidatedRows(db: Db, importId: string, after: number, upTo: number, limit: number): Promise<ValidatedRow[]> {
  return jsonOf<ValidatedRow>((await readStatement(db, { sql: VALIDATED_ROWS, args: [importId, after, upTo, limit] })).rows);
}

export type TypoPersonRow = [
  key: string | number,
  id: string,
  name: string,
  enabled: number,
  removed: number,
  member: "invited" | "active" | "archived" | null,
];

/** Directory people by address (mail or UPN, any state) and by row id, with their membership (a live one before an archived one). */
export async function findTypoPeople(db: Db, orgId: string, addresses: string[], rowids: number[]): Promise<TypoPersonRow[]> {
  const found = await readStatement(db, { sql: TYPO_PEOPLE, args: [orgId, JSON.stringify(addresses), JSON.stringify(rowids)] });
  return jsonOf<TypoPersonRow>(found.rows);
}

/** A page of the directory's addresses in one column's index order, after (address, rowid):
 *  "address<TAB>rowid" lines, and how many. */
export async function readDirectoryAddresses(
  db: Db,
  orgId: string,
  column: "mail_norm" | "upn_norm",
  after: [string, number],
  limit: number,
): Promise<{ lines: string | null; count: number }> {
  const page = await readStatement(db, { sql: ADDRESSES[column], args: [orgId, after[0], after[1], limit] });
  return { lines: page.rows[0]![0] as string | null, count: Number(page.rows[0]![1]) };
}
