// Send Invite for an import: the worker invites the ready rows (and, after Use suggestions, the
// possible_typo rows at their suggested address) through inviteMembers, a chunk at a time in row
// order. Each chunk is ONE write transaction: the invitations, the rows marked sent with what
// the send-time re-check found, and the import's counts and cursor. So a double click, a retry or
// a restart never invites anyone twice, and the counts always match the rows.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { Tx } from "./audit.js";
import { inviteMembers, type InviteOutcome } from "./invitations.js";
import { messages, outcomeOf, type RowCode, type RowOutcome } from "./import-messages.js";
import { yieldToEventLoop } from "../event-loop.js";
import { runWriteTransaction } from "./write-transaction.js";

type SendRow = { rowNumber: number; outcome: RowOutcome; code: string; personId: string | null; emailNorm: string | null; suggestion: string | null };
type Change = { rowNumber: number; outcome: RowOutcome; code: RowCode; message: string; from: RowOutcome; invited: boolean; typo: boolean };

const sentMessage = (result: InviteOutcome["result"], typo: string | null) =>
  result === "invited" || result === "reinvited" ? (typo ? `Invited at the suggested address ${typo}.` : "Invited.")
  : result === "already_invited" ? messages.alreadyInvited
  : result === "already_active" ? messages.alreadyActive
  : result === "account_disabled" ? messages.accountDisabled
  : result === "left_directory" ? messages.leftDirectory
  : messages.notInDirectory;

async function actorFor(tx: Tx, orgId: string, personId: string | null) {
  if (!personId) return null;
  const found = await tx.all<{ name: string }>(sql`SELECT display_name AS name FROM directory_people WHERE id = ${personId} AND org_id = ${orgId}`);
  return { personId, orgId, name: found[0]?.name ?? "" };
}

/**
 * Invites one group of rows (ready rows, one per person; or possible typos at their suggested
 * address); later rows naming the same person are duplicates. Both go by address: the directory
 * lookup by mail and UPN has its own indexes.
 */
async function inviteRows(tx: Tx, actor: { personId: string; orgId: string; name: string }, rows: SendRow[], bySuggestion: boolean,
  importId: string, publicUrl: string): Promise<Change[]> {
  if (rows.length === 0) return [];
  const keyOf = (row: SendRow) => (bySuggestion ? row.suggestion! : row.personId ?? row.emailNorm ?? "");
  const addressOf = new Map<string, string>();
  for (const row of rows) if (!addressOf.has(keyOf(row))) addressOf.set(keyOf(row), bySuggestion ? row.suggestion! : row.emailNorm ?? "");
  const keys = [...addressOf.keys()];
  // A nested transaction (a savepoint) of ours: the invitations commit with the row marks.
  const { outcomes } = await inviteMembers(tx as unknown as Db, actor, { emails: keys.map((k) => addressOf.get(k)!), source: { importId } }, { publicUrl });
  const byKey = new Map(keys.map((key, i) => [key, outcomes[i]!]));
  const firstRow = new Map<string, number>();
  return rows.map((row): Change => {
    const key = keyOf(row);
    const outcome = byKey.get(key)!;
    const earlier = firstRow.get(key);
    const typo = bySuggestion ? row.suggestion : null;
    if (earlier !== undefined) {
      return { rowNumber: row.rowNumber, outcome: "skipped", code: "duplicate_in_file", message: messages.duplicate(earlier), from: row.outcome, invited: false, typo: bySuggestion };
    }
    firstRow.set(key, row.rowNumber);
    const invited = outcome.result === "invited" || outcome.result === "reinvited";
    const code: RowCode = outcome.result === "invited" || outcome.result === "reinvited" ? "ready" : outcome.result;
    return { rowNumber: row.rowNumber, outcome: outcomeOf(code), code, message: sentMessage(outcome.result, typo), from: row.outcome, invited, typo: bySuggestion };
  });
}

/** Invites the next chunk of rows after the cursor: "more", "done" (the import is sent, or ready again), or "lost" (lease gone). */
export async function sendImportChunk(db: Db, importId: string, owner: string, options: { chunkSize: number; leaseMs: number; publicUrl: string }) {
  return runWriteTransaction(db, async (tx): Promise<"more" | "done" | "lost"> => {
    const [job] = await tx.all<{ org_id: string; cursor_row: number; send_at: number | null; send_by: string | null; sugg_at: number | null; sugg_by: string | null }>(sql`
      SELECT org_id, cursor_row, send_requested_at AS send_at, send_requested_by AS send_by,
             suggestions_requested_at AS sugg_at, suggestions_requested_by AS sugg_by
      FROM imports WHERE id = ${importId} AND locked_by = ${owner} AND status = 'sending'`);
    if (!job) return "lost";
    const now = Date.now();
    const wanted = sql.join([
      ...(job.send_at !== null ? [sql`outcome = 'ready'`] : []),
      ...(job.sugg_at !== null ? [sql`(code = 'possible_typo' AND suggestion IS NOT NULL)`] : []),
    ], sql` OR `);
    const rows = job.send_at === null && job.sugg_at === null ? [] : (await tx.all<{ row_number: number; outcome: RowOutcome; code: string; person_id: string | null; email_norm: string | null; suggestion: string | null }>(sql`
      SELECT row_number, outcome, code, person_id, email_norm, suggestion FROM import_rows
      WHERE import_id = ${importId} AND row_number > ${job.cursor_row} AND sent_at IS NULL AND (${wanted})
      ORDER BY row_number LIMIT ${options.chunkSize}`)).map((r): SendRow => ({ rowNumber: Number(r.row_number), outcome: r.outcome, code: r.code, personId: r.person_id, emailNorm: r.email_norm, suggestion: r.suggestion }));
    if (rows.length === 0) {
      await tx.run(sql`UPDATE imports SET status = CASE WHEN send_requested_at IS NOT NULL THEN 'sent' ELSE 'ready' END,
        finished_at = ${now}, cursor_row = 0, locked_by = NULL, locked_until = NULL WHERE id = ${importId}`);
      return "done";
    }
    const changes: Change[] = [];
    const ready = rows.filter((r) => r.code !== "possible_typo");
    const typos = rows.filter((r) => r.code === "possible_typo");
    const sender = await actorFor(tx, job.org_id, job.send_by);
    const suggester = await actorFor(tx, job.org_id, job.sugg_by);
    if (sender) changes.push(...await inviteRows(tx, sender, ready, false, importId, options.publicUrl));
    if (suggester) changes.push(...await inviteRows(tx, suggester, typos, true, importId, options.publicUrl));
    await yieldToEventLoop();
    // One JSON parameter for the whole chunk; LIMIT -1 keeps it a table that drives the primary-key lookups.
    const marks = JSON.stringify(changes.map((c) => [c.rowNumber, c.outcome, c.code, c.message]));
    await tx.run(sql`UPDATE import_rows SET outcome = v.outcome, code = v.code, message = v.message, sent_at = ${now}
      FROM (SELECT value ->> 0 AS row_number, value ->> 1 AS outcome, value ->> 2 AS code, value ->> 3 AS message FROM json_each(${marks}) LIMIT -1) AS v
      WHERE import_rows.import_id = ${importId} AND import_rows.row_number = v.row_number`);
    const delta = { ready: 0, skipped: 0, error: 0 };
    for (const c of changes) { delta[c.from]--; delta[c.outcome]++; }
    await tx.run(sql`UPDATE imports SET ready_count = ready_count + ${delta.ready}, skipped_count = skipped_count + ${delta.skipped},
      error_count = error_count + ${delta.error}, sent_count = sent_count + ${changes.filter((c) => c.invited).length},
      suggestion_count = suggestion_count - ${changes.filter((c) => c.typo).length},
      cursor_row = ${rows[rows.length - 1]!.rowNumber}, locked_until = ${now + options.leaseMs} WHERE id = ${importId}`);
    return "more";
  });
}
