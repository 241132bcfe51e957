// Validating an import, a chunk at a time in row order. One statement reads a chunk of stored
// rows together with each row's directory person (by mail, else by UPN, ignoring case: both sides
// are normalized) and membership; duplicates are found with maps of the addresses and people
// seen so far (rebuilt from the finished rows after a restart); another batch writes every row's
// verdict with the import's counts and cursor in ONE transaction, so the counts always match the
// rows and a process killed between chunks resumes at the cursor.
import type { Db } from "../db/client.js";
import { cleanAddressValue } from "./addresses.js";
import { messages, type RowVerdict } from "./import-messages.js";
import { resolveTypos, type TypoPerson } from "./import-suggestions.js";
import type { TypoIndex } from "./import-typos.js";
import { yieldToEventLoop } from "../event-loop.js";

export type ValidationJob = { id: string; orgId: string; cursorRow: number };

/** What a job keeps between chunks: the organization's domains, the first row of each address and person, the typo index once needed. */
export type ValidationContext = {
  orgDomains: string[];
  firstByAddress?: Map<string, number>;
  /** The first row naming each person exactly, and the first typo of each person. */
  firstByPerson?: Map<string, number>;
  typoByPerson?: Map<string, number>;
  /** First rows (of an address) whose verdict is not ready: their duplicates claim nothing. */
  unready?: Set<number>;
  typos?: TypoIndex;
  /** Runs a read on another connection and thread (src/jobs/database-thread.ts): the next chunk is read there meanwhile. */
  readAhead?: (sql: string, args: unknown[]) => Promise<unknown[][]>;
  /** The chunk after row `after` (at most `size` rows), being read ahead. */
  ahead?: { after: number; size: number; rows: Promise<FoundRow[] | null> };
};

type FoundRow = [number, string, string | null, string | null, number | null, number | null, string | null];

type StoredRow = {
  rowNumber: number; value: string; emailNorm: string | null;
  personId: string | null; enabled: boolean; removed: boolean; memberStatus: string | null;
};

const PAGE = 5000;

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

/** After a restart: the first row of every address and person among the rows already validated. */
async function rebuildFirstRows(db: Db, job: ValidationJob, context: ValidationContext) {
  const byAddress = new Map<string, number>();
  const byPerson = new Map<string, number>();
  const typoByPerson = new Map<string, number>();
  const unready = new Set<number>();
  for (let after = 0; after < job.cursorRow;) {
    const page = await db.$client.execute({
      sql: `SELECT json_group_array(json_array(row_number, email_norm, person_id, code, suggestion IS NOT NULL)) FROM (
              SELECT row_number, email_norm, person_id, code, suggestion FROM import_rows
              WHERE import_id = ? AND row_number > ? AND row_number <= ? ORDER BY row_number LIMIT ${PAGE})`,
      args: [job.id, after, job.cursorRow],
    });
    const rows = JSON.parse(String(page.rows[0]?.[0] ?? "[]")) as [number, string | null, string | null, string | null, number][];
    for (const [rowNumber, norm, person, code, typo] of rows) {
      // judgeRows' first rows, the same way: an address first, then its person (exactly, or by a typo).
      if (!norm || byAddress.has(norm)) continue;
      byAddress.set(norm, rowNumber);
      if (code !== "ready") unready.add(rowNumber);
      if (!person || code === "duplicate_in_file") continue;
      const map = typo ? typoByPerson : byPerson;
      if (!map.has(person)) map.set(person, rowNumber);
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]![0];
    await yieldToEventLoop();
  }
  Object.assign(context, { firstByAddress: byAddress, firstByPerson: byPerson, typoByPerson, unready });
}

/**
 * Decides every row of a chunk, in row order (the first-row maps grow as it goes). The people
 * that mistyped addresses were meant to be are found first, so each verdict is final when made.
 */
async function judgeRows(db: Db, job: ValidationJob, context: ValidationContext, rows: StoredRow[]): Promise<RowVerdict[]> {
  const firstByAddress = context.firstByAddress!;
  const firstByPerson = context.firstByPerson!;
  const typoByPerson = context.typoByPerson!;
  const unready = context.unready!;
  const missing = [...new Set(rows.flatMap((r) => (r.emailNorm && !r.personId && !firstByAddress.has(r.emailNorm) ? [r.emailNorm] : [])))];
  const typos = missing.length > 0 ? await resolveTypos(db, job, context, missing) : new Map<string, TypoPerson>();
  const verdicts: RowVerdict[] = [];
  for (const row of rows) {
    const verdict = (code: RowVerdict["code"], outcome: RowVerdict["outcome"], message: string, personId: string | null = null, suggestion: string | null = null): RowVerdict =>
      ({ rowNumber: row.rowNumber, outcome, code, message, suggestion, personId });
    const norm = row.emailNorm;
    if (!norm) {
      verdicts.push(cleanAddressValue(row.value) === "" ? verdict("empty", "error", messages.empty) : verdict("invalid_format", "error", messages.invalidFormat));
      continue;
    }
    const earlier = firstByAddress.get(norm);
    if (earlier !== undefined) {
      verdicts.push(verdict("duplicate_in_file", "skipped", unready.has(earlier) ? messages.duplicateOfProblem(earlier) : messages.duplicate(earlier)));
      continue;
    }
    firstByAddress.set(norm, row.rowNumber);
    const judged = row.personId ? judgePerson(row, verdict, firstByPerson, unready) : judgeTypo(typos.get(norm), verdict, firstByPerson, typoByPerson, row.rowNumber);
    if (judged.outcome !== "ready") unready.add(row.rowNumber);
    verdicts.push(judged);
  }
  return verdicts;
}

type MakeVerdict = (code: RowVerdict["code"], outcome: RowVerdict["outcome"], message: string, personId?: string | null, suggestion?: string | null) => RowVerdict;

/** A row naming a directory person by one of their addresses. */
function judgePerson(row: StoredRow, verdict: MakeVerdict, firstByPerson: Map<string, number>, unready: Set<number>): RowVerdict {
  const id = row.personId!;
  const samePerson = firstByPerson.get(id);
  if (samePerson !== undefined) {
    return verdict("duplicate_in_file", "skipped", unready.has(samePerson) ? messages.samePersonOfProblem(samePerson) : messages.samePerson(samePerson));
  }
  firstByPerson.set(id, row.rowNumber);
  if (row.removed) return verdict("not_in_directory", "error", messages.leftDirectory, id);
  if (!row.enabled) return verdict("account_disabled", "error", messages.accountDisabled, id);
  if (row.memberStatus === "invited") return verdict("already_invited", "skipped", messages.alreadyInvited, id);
  if (row.memberStatus === "active") return verdict("already_active", "skipped", messages.alreadyActive, id);
  return verdict("ready", "ready", row.memberStatus === "archived" ? messages.archived : messages.ready, id);
}

/**
 * A row not in the directory: a typo of one person gets that person's own outcome, named;
 * only one who can be invited is a suggestion to use. A row naming the person exactly counts
 * before a typo of them, so typos do not claim the person for later exact rows.
 */
function judgeTypo(typo: TypoPerson | undefined, verdict: MakeVerdict, firstByPerson: Map<string, number>, typoByPerson: Map<string, number>, rowNumber: number): RowVerdict {
  if (!typo) return verdict("not_in_directory", "error", messages.notInDirectory);
  const { address, name, personId } = typo;
  const of = (code: RowVerdict["code"], outcome: RowVerdict["outcome"], sentence: string) => verdict(code, outcome, messages.typoOf(address, name, sentence), personId, address);
  const earlier = firstByPerson.get(personId) ?? typoByPerson.get(personId);
  if (earlier !== undefined) return of("duplicate_in_file", "skipped", messages.typoSamePerson(earlier));
  typoByPerson.set(personId, rowNumber);
  if (typo.removed) return of("not_in_directory", "error", messages.leftDirectory);
  if (!typo.enabled) return of("account_disabled", "error", messages.accountDisabled);
  if (typo.memberStatus === "invited") return of("already_invited", "skipped", messages.alreadyInvited);
  if (typo.memberStatus === "active") return of("already_active", "skipped", messages.alreadyActive);
  return verdict("possible_typo", "error", messages.possibleTypo(address, name), personId, address);
}

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
