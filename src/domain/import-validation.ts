// Validating an import, a chunk at a time in row order. One statement reads a chunk of stored
// rows together with each row's directory person (by mail, else by UPN, ignoring case: both sides
// are normalized) and membership; duplicates are found with maps of the addresses and people
// seen so far (rebuilt from the finished rows after a restart); another batch writes every row's
// verdict with the import's counts and cursor in ONE transaction, so the counts always match the
// rows and a process killed between chunks resumes at the cursor.
import type { Db } from "../db/client.js";
import type { RowVerdict } from "./import-messages.js";
import { judgeRows, rebuildFirstRows, type StoredRow } from "./import-row-verdicts.js";
import type { FoundRow, ValidationContext, ValidationJob } from "./import-validation-context.js";

// One row of JSON per chunk: libsql builds a JS object per result row, which costs more than
// the lookups. Members are matched by person: inviteMembers always records the directory person.
const READ_CHUNK = `
  SELECT json_group_array(json_array(row_number, value, email_norm, person_id, enabled, removed, member_status)) FROM (
    SELECT r.row_number, r.value, r.email_norm, p.id AS person_id, p.account_enabled AS enabled, p.removed_at IS NOT NULL AS removed,
      (SELECT m.status FROM members m WHERE m.person_id = p.id AND m.org_id = ?2 LIMIT 1) AS member_status
    FROM import_rows r
    LEFT JOIN directory_people p ON p.rowid = COALESCE(
      (SELECT rowid FROM directory_people WHERE org_id = ?2 AND mail_norm = r.email_norm LIMIT 1),
      (SELECT rowid FROM directory_people WHERE org_id = ?2 AND upn_norm = r.email_norm LIMIT 1))
    WHERE r.import_id = ?1 AND r.row_number > ?3
    ORDER BY r.row_number LIMIT ?4)`;

// One JSON parameter, not thousands: preparing a 500-tuple VALUES statement costs more than running
// it. LIMIT -1 keeps the JSON a materialized table that drives the primary-key lookups.
const WRITE_VERDICTS = `
  UPDATE import_rows SET outcome = v.outcome, code = v.code, message = v.message, suggestion = v.suggestion, person_id = v.person_id
  FROM (SELECT value ->> 0 AS row_number, value ->> 1 AS outcome, value ->> 2 AS code, value ->> 3 AS message,
          value ->> 4 AS suggestion, value ->> 5 AS person_id FROM json_each(?4) LIMIT -1) AS v
  WHERE import_rows.import_id = ?1 AND import_rows.row_number = v.row_number AND import_rows.outcome IS NULL
    AND EXISTS (SELECT 1 FROM imports WHERE id = ?1 AND locked_by = ?2 AND cursor_row = ?3)`;

/**
 * Validates the next chunk after the job's cursor: "more" when it wrote one, "done" when none
 * was left (the import is then ready and released), "lost" when another worker holds the lease.
 */
export async function validateImportChunk(db: Db, job: ValidationJob, owner: string, context: ValidationContext,
  options: { chunkSize: number; leaseMs: number }): Promise<"more" | "done" | "lost"> {
  if (!context.firstByAddress) await rebuildFirstRows(db, job, context);
  const found = await readChunk(db, job, context, options.chunkSize);
  const now = Date.now();
  if (found.length === 0) {
    const done = await db.$client.execute({
      sql: `UPDATE imports SET status = 'ready', finished_at = ?1, checked_at = ?1, cursor_row = 0, locked_by = NULL, locked_until = NULL
            WHERE id = ?2 AND locked_by = ?3 AND status = 'validating'`,
      args: [now, job.id, owner],
    });
    return done.rowsAffected === 1 ? "done" : "lost";
  }
  const rows: StoredRow[] = found.map((r) => ({
    rowNumber: r[0], value: r[1], emailNorm: r[2], personId: r[3], enabled: r[4] === 1, removed: r[5] === 1, memberStatus: r[6],
  }));
  try {
    return await recordChunk(db, job, owner, context, rows, now + options.leaseMs);
  } catch (error) {
    // The maps already hold this chunk's rows; rebuild them from what was really recorded.
    context.firstByAddress = undefined;
    throw error;
  }
}

/** READ_CHUNK's one row: the chunk as a JSON array. */
const parseChunk = (rows: ArrayLike<ArrayLike<unknown>>) => JSON.parse(String(rows[0]?.[0] ?? "[]")) as FoundRow[];

/** The chunk after the cursor: read ahead while the previous one was written, or now. Then starts reading the next. */
async function readChunk(db: Db, job: ValidationJob, context: ValidationContext, size: number): Promise<FoundRow[]> {
  const ahead = context.ahead;
  context.ahead = undefined;
  // Only rows, directory entries and memberships are read, never verdicts: reading ahead of the write is the same read.
  let found = ahead?.after === job.cursorRow ? await ahead.rows : null;
  let asked = ahead?.size ?? size;
  if (!found) {
    asked = size;
    found = parseChunk((await db.$client.execute({ sql: READ_CHUNK, args: [job.id, job.orgId, job.cursorRow, size] })).rows);
  }
  const readAhead = context.readAhead;
  // A short chunk is the last one.
  if (readAhead && found.length === asked) {
    const after = found[found.length - 1]![0];
    context.ahead = {
      after,
      size,
      // A failed read ahead is read again on the event loop.
      rows: readAhead(READ_CHUNK, [job.id, job.orgId, after, size]).then(parseChunk, () => null),
    };
  }
  return found;
}

async function recordChunk(db: Db, job: ValidationJob, owner: string, context: ValidationContext, rows: StoredRow[], leaseUntil: number) {
  const verdicts = await judgeRows(db, job, context, rows);
  const last = rows[rows.length - 1]!.rowNumber;
  const count = (test: (v: RowVerdict) => boolean) => verdicts.filter(test).length;
  const json = JSON.stringify(verdicts.map((v) => [v.rowNumber, v.outcome, v.code, v.message, v.suggestion, v.personId]));
  // Both statements re-check the lease and the cursor inside the transaction: all of the chunk lands, or none.
  const [, counted] = await db.$client.batch([
    { sql: WRITE_VERDICTS, args: [job.id, owner, job.cursorRow, json] },
    {
      sql: `UPDATE imports SET processed = processed + ?, ready_count = ready_count + ?, skipped_count = skipped_count + ?,
              error_count = error_count + ?, suggestion_count = suggestion_count + ?, cursor_row = ?, locked_until = ?
            WHERE id = ? AND locked_by = ? AND cursor_row = ?`,
      args: [verdicts.length, count((v) => v.outcome === "ready"), count((v) => v.outcome === "skipped"), count((v) => v.outcome === "error"),
        count((v) => v.code === "possible_typo"), last, leaseUntil, job.id, owner, job.cursorRow],
    },
  ], "write");
  if (counted!.rowsAffected !== 1) {
    context.firstByAddress = undefined;
    return "lost" as const;
  }
  job.cursorRow = last;
  return "more" as const;
}
