// Send Invite for an import: the worker invites the ready rows (and, after Use suggestions, the
// possible_typo rows: the person each was resolved to) through inviteMembers, a part at a time
// in row order, judging each row against the present (import-send-judgement.ts). Each part writes,
// in the transaction that holds it (several parts commit together), the invitations, the rows
// marked sent with what the send found, and the import's counts and cursor. So a double click, a
// retry or a restart never invites anyone twice, and the counts always match the rows. When a
// request is carried out it is logged, as ONE event, with the file and the number of people it
// invited (no event per person: each member records who invited them and when).
import { sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import type { Actor as DomainActor } from "./actor.js";
import { recordAudits, type AuditInput } from "./audit.js";
import { inviteMembersInTransaction, type InviteOutcome } from "./invitations.js";
import { messages, outcomeOf, type RowCode, type RowOutcome } from "./import-messages.js";
import { archivedAfterCheck, heldAsArchived, loadMemberStates, rejudgeSkipped, type Change, type SendRow } from "./import-send-judgement.js";
import { yieldToEventLoop } from "../event-loop.js";

type Actor = { personId: string; orgId: string; name: string };

const sentMessage = (result: InviteOutcome["result"], typo: string | null) =>
  result === "invited" || result === "reinvited"
    ? typo
      ? `Invited at the suggested address ${typo}.`
      : "Invited."
    : result === "already_invited"
      ? messages.invitedSinceCheck
      : result === "already_active"
        ? messages.alreadyActive
        : result === "account_disabled"
          ? messages.accountDisabled
          : result === "left_directory"
            ? messages.leftDirectory
            : messages.notInDirectory;

async function actorFor(tx: Tx, orgId: string, personId: string | null): Promise<Actor | null> {
  if (!personId) return null;
  const found = await tx.all<{ name: string }>(sql`SELECT display_name AS name FROM directory_people WHERE id = ${personId} AND org_id = ${orgId}`);
  return { personId, orgId, name: found[0]?.name ?? "" };
}

/**
 * Invites one group of rows (ready rows, or possible typos) by the person the check found for
 * each; a row from before people were recorded goes by its address. A later row naming a person
 * already handled in the chunk is a duplicate. `log`: "each" logs every person invited (one row
 * invited from the problems list), "import" leaves it to the send's one event (finishSend).
 */
export async function inviteRows(
  tx: Tx,
  actor: DomainActor,
  rows: SendRow[],
  typo: boolean,
  importId: string,
  publicUrl: string,
  log: "each" | "import" = "each",
): Promise<Change[]> {
  if (rows.length === 0) return [];
  const addressOf = (row: SendRow) => (typo ? row.suggestion : row.emailNorm) ?? "";
  const ids = [...new Set(rows.flatMap((r) => (r.personId ? [r.personId] : [])))];
  const emails = [...new Set(rows.flatMap((r) => (r.personId ? [] : [addressOf(r)])))].filter((e) => e !== "");
  // In our transaction: the invitations commit with the row marks.
  const { outcomes } = await inviteMembersInTransaction(
    tx,
    actor,
    { emails, personIds: ids, source: { importId, loggedByImport: log === "import" } },
    { publicUrl },
  );
  const byKey = new Map<string, InviteOutcome>([...emails, ...ids].map((key, i) => [key, outcomes[i]!]));
  const firstRow = new Map<string, number>();
  return rows.map((row): Change => {
    const outcome = byKey.get(row.personId ?? addressOf(row));
    const base = { rowNumber: row.rowNumber, from: row.outcome, typo };
    if (!outcome) return { ...base, to: "error", code: "not_in_directory", message: messages.notInDirectory };
    const person = outcome.personId ?? row.personId ?? addressOf(row);
    const earlier = firstRow.get(person);
    if (earlier !== undefined) {
      const invited = outcome.result === "invited" || outcome.result === "reinvited";
      return { ...base, to: "skipped", code: "duplicate_in_file", message: invited ? messages.samePerson(earlier) : messages.samePersonOfProblem(earlier) };
    }
    firstRow.set(person, row.rowNumber);
    const invited = outcome.result === "invited" || outcome.result === "reinvited";
    const code: RowCode = invited ? "ready" : (outcome.result as RowCode);
    return { ...base, to: invited ? "invited" : outcomeOf(code), code, message: sentMessage(outcome.result, typo ? row.suggestion : null) };
  });
}

type Job = {
  org_id: string;
  file_name: string;
  cursor_row: number;
  checked_at: number;
  send_at: number | null;
  send_by: string | null;
  send_done: number | null;
  sugg_at: number | null;
  sugg_by: string | null;
  sugg_done: number | null;
  sent_count: number;
  sugg_sent: number;
};

export type SendOptions = {
  /** Rows read, judged and written at a time: each statement stays short, and the event loop serves requests between parts. */
  chunkSize: number;
  /** Rows a transaction takes at most: its parts commit together (one commit rewrites each index page it touched once). */
  transactionRows: number;
  /** A transaction takes no new part after this long (ms), so the lease, a drain and other writers wait at most about this. */
  transactionMs: number;
  leaseMs: number;
  publicUrl: string;
};

/**
 * Invites the next rows after the cursor, a part at a time, in ONE write transaction of up to
 * `transactionRows` rows (or `transactionMs`): "more", "done" (the import is sent, or ready
 * again), or "lost" (lease gone). Each part moves the cursor and the counts with its rows, so
 * what commits always matches; a crash rolls back the whole transaction and the next worker
 * starts at the cursor it left.
 */
export async function sendImportChunk(db: Db, importId: string, owner: string, options: SendOptions) {
  return db.write(async (tx): Promise<"more" | "done" | "lost"> => {
    const started = performance.now();
    let taken = 0;
    for (;;) {
      const result = await sendPart(tx, importId, owner, options);
      if (result !== "more") return result;
      taken += options.chunkSize;
      if (taken >= options.transactionRows || performance.now() - started >= options.transactionMs) return "more";
      await yieldToEventLoop();
    }
  });
}

/** One part of a send's transaction: the next `chunkSize` rows after the cursor, judged against the present and invited. */
async function sendPart(tx: Tx, importId: string, owner: string, options: SendOptions): Promise<"more" | "done" | "lost"> {
  const [job] = await tx.all<Job>(sql`
      SELECT org_id, file_name, cursor_row, coalesce(checked_at, created_at) AS checked_at,
             send_requested_at AS send_at, send_requested_by AS send_by, send_finished_at AS send_done,
             suggestions_requested_at AS sugg_at, suggestions_requested_by AS sugg_by, suggestions_finished_at AS sugg_done,
             sent_count, suggestions_sent_count AS sugg_sent
      FROM imports WHERE id = ${importId} AND locked_by = ${owner} AND status = 'sending'`);
  if (!job) return "lost";
  const now = Date.now();
  const wanted = sql.join(
    [
      ...(job.send_at !== null ? [sql`outcome = 'ready'`, sql`code IN ('already_invited', 'already_active')`] : []),
      ...(job.sugg_at !== null ? [sql`(code = 'possible_typo' AND suggestion IS NOT NULL)`] : []),
    ],
    sql` OR `,
  );
  const rows = job.send_at === null && job.sugg_at === null ? [] : await nextRows(tx, importId, job.cursor_row, wanted, options.chunkSize);
  if (rows.length === 0) {
    await finishSend(tx, importId, job, now);
    return "done";
  }
  const states = await loadMemberStates(
    tx,
    job.org_id,
    rows.flatMap((r) => (r.personId ? [r.personId] : [])),
  );
  const changes: Change[] = [];
  const toInvite: { ready: SendRow[]; typos: SendRow[] } = { ready: [], typos: [] };
  for (const row of rows) {
    const typo = row.code === "possible_typo";
    const state = row.personId ? states.get(row.personId) : undefined;
    if (row.outcome === "skipped") changes.push(rejudgeSkipped(row, state));
    else if (archivedAfterCheck(row, state, job.checked_at)) changes.push(heldAsArchived(row, typo));
    else (typo ? toInvite.typos : toInvite.ready).push(row);
  }
  const sender = await actorFor(tx, job.org_id, job.send_by);
  const suggester = await actorFor(tx, job.org_id, job.sugg_by);
  if (sender) changes.push(...(await inviteRows(tx, sender, toInvite.ready, false, importId, options.publicUrl, "import")));
  if (suggester) changes.push(...(await inviteRows(tx, suggester, toInvite.typos, true, importId, options.publicUrl, "import")));
  await yieldToEventLoop();
  await recordSendChanges(tx, importId, changes, now, sql`cursor_row = ${rows[rows.length - 1]!.rowNumber}, locked_until = ${now + options.leaseMs}`);
  return "more";
}

type StoredRow = [
  rowNumber: number,
  outcome: RowOutcome,
  code: string,
  message: string | null,
  personId: string | null,
  emailNorm: string | null,
  suggestion: string | null,
];

/** The next `limit` rows after the cursor that the send wants, as ONE JSON string (no row object per row). */
async function nextRows(tx: Tx, importId: string, cursorRow: number, wanted: SQL, limit: number): Promise<SendRow[]> {
  const [found] = await tx.all<{ rows: string | null }>(sql`
    SELECT json_group_array(json_array(row_number, outcome, code, message, person_id, email_norm, suggestion)) AS rows FROM (
      SELECT row_number, outcome, code, message, person_id, email_norm, suggestion FROM import_rows
      WHERE import_id = ${importId} AND row_number > ${cursorRow} AND sent_at IS NULL AND (${wanted})
      ORDER BY row_number LIMIT ${limit})`);
  return (JSON.parse(found?.rows ?? "[]") as StoredRow[]).map(([rowNumber, outcome, code, message, personId, emailNorm, suggestion]) => ({
    rowNumber,
    outcome,
    code,
    message,
    personId,
    emailNorm,
    suggestion,
  }));
}

/**
 * Marks the rows with what was done to them (sent) and moves the import's counts to match, in the
 * caller's transaction; `set` adds to the import's UPDATE (the send's cursor and lease).
 */
export async function recordSendChanges(tx: Tx, importId: string, changes: Change[], now: number, set?: SQL): Promise<void> {
  // One JSON parameter for the whole chunk; LIMIT -1 keeps it a table that drives the primary-key lookups.
  const marks = JSON.stringify(changes.map((c) => [c.rowNumber, c.to === "invited" ? "ready" : c.to, c.code, c.message]));
  await tx.run(sql`UPDATE import_rows SET outcome = v.outcome, code = v.code, message = v.message, sent_at = ${now}
    FROM (SELECT value ->> 0 AS row_number, value ->> 1 AS outcome, value ->> 2 AS code, value ->> 3 AS message FROM json_each(${marks}) LIMIT -1) AS v
    WHERE import_rows.import_id = ${importId} AND import_rows.row_number = v.row_number`);
  const delta = { ready: 0, skipped: 0, error: 0, invited: 0 };
  for (const c of changes) {
    delta[c.from]--;
    delta[c.to]++;
  }
  await tx.run(sql`UPDATE imports SET ready_count = ready_count + ${delta.ready}, skipped_count = skipped_count + ${delta.skipped},
    error_count = error_count + ${delta.error}, sent_count = sent_count + ${delta.invited},
    suggestion_count = suggestion_count - ${changes.filter((c) => c.typo).length},
    suggestions_sent_count = suggestions_sent_count + ${changes.filter((c) => c.typo && c.to === "invited").length}${set ? sql`, ${set}` : sql``}
    WHERE id = ${importId}`);
}

/** The end of a sending phase: the import is sent (or ready again), and each request carried out is logged with the people it invited. */
async function finishSend(tx: Tx, importId: string, job: Job, now: number) {
  await tx.run(sql`UPDATE imports SET status = CASE WHEN send_requested_at IS NOT NULL THEN 'sent' ELSE 'ready' END,
    finished_at = ${now}, cursor_row = 0, locked_by = NULL, locked_until = NULL,
    send_finished_at = CASE WHEN send_requested_at IS NOT NULL THEN coalesce(send_finished_at, ${now}) END,
    suggestions_finished_at = CASE WHEN suggestions_requested_at IS NOT NULL THEN coalesce(suggestions_finished_at, ${now}) END
    WHERE id = ${importId}`);
  const events: AuditInput[] = [];
  const event = (action: string, actorId: string | null, invited: number): AuditInput => ({
    orgId: job.org_id,
    actorId,
    action,
    subject: job.file_name,
    detail: { importId, invited },
  });
  if (job.send_at !== null && job.send_done === null) events.push(event("import.send", job.send_by, job.sent_count - job.sugg_sent));
  if (job.sugg_at !== null && job.sugg_done === null) events.push(event("import.use_suggestions", job.sugg_by, job.sugg_sent));
  await recordAudits(tx, events);
}
