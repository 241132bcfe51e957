// The problem rows of a checked upload as the import page shows them: grouped by problem (each
// group's count, and its first rows), and "Use this address" for one possible typo: that row's
// person is invited at the suggested address, in one transaction with the row's mark and the
// import's counts, as Use suggestions does for every typo (import-send.ts).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { Actor } from "./actor.js";
import { codeLabels, errorCodes, skippedCodes, type RowCode } from "./import-messages.js";
import { archivedAfterCheck, heldAsArchived, loadMemberStates, type Change, type SendRow } from "./import-send-judgement.js";
import { inviteRows, recordSendChanges } from "./import-send.js";
import { UPLOAD_OWNER } from "./import-upload.js";

export type ProblemGroupRow = { rowNumber: number; value: string; message: string | null; suggestion: string | null; usable: boolean };
export type ProblemGroup = { code: RowCode; label: string; count: number; rows: ProblemGroupRow[] };

/** Problems in the order an admin fixes them: typos first (one click), then errors, then what was skipped. */
const ORDER: RowCode[] = ["possible_typo", ...errorCodes.filter((c) => c !== "possible_typo"), ...skippedCodes];

/** The groups of problem rows (skipped or error) of an import of the organization, at most `perGroup` rows each. */
export async function listProblemGroups(db: Db, orgId: string, importId: string, perGroup: number): Promise<ProblemGroup[]> {
  const found = await db.all<{
    code: RowCode;
    n: number;
    k: number;
    row_number: number;
    value: string;
    message: string | null;
    suggestion: string | null;
    sent_at: number | null;
  }>(sql`
    SELECT code, count(*) OVER (PARTITION BY code) AS n, k, row_number, value, message, suggestion, sent_at FROM (
      SELECT code, row_number() OVER (PARTITION BY code ORDER BY row_number) AS k, row_number, value, message, suggestion, sent_at
      FROM import_rows WHERE import_id = ${importId} AND org_id = ${orgId} AND outcome IN ('skipped', 'error'))
    ORDER BY row_number`);
  const groups = new Map<RowCode, ProblemGroup>();
  for (const r of found) {
    let group = groups.get(r.code);
    if (!group) groups.set(r.code, (group = { code: r.code, label: codeLabels[r.code] ?? r.code, count: Number(r.n), rows: [] }));
    if (Number(r.k) <= perGroup) {
      group.rows.push({
        rowNumber: Number(r.row_number),
        value: r.value,
        message: r.message,
        suggestion: r.suggestion,
        usable: r.code === "possible_typo" && r.suggestion !== null && r.sent_at === null,
      });
    }
  }
  return [...groups.values()].sort((a, b) => ORDER.indexOf(a.code) - ORDER.indexOf(b.code));
}

export type UseAddressResult = { ok: true; change: Change } | { ok: false; reason: "not_found" | "not_ready" | "no_suggestion" };

/** "Use this address" on one possible typo: invites its person at the suggested address, once. */
export async function useSuggestedAddress(db: Db, actor: Actor, importId: string, rowNumber: number, deps: { publicUrl: string }): Promise<UseAddressResult> {
  return db.write(async (tx): Promise<UseAddressResult> => {
    const [job] = await tx.all<{ status: string; checked_at: number }>(sql`SELECT status, coalesce(checked_at, created_at) AS checked_at FROM imports
      WHERE id = ${importId} AND org_id = ${actor.orgId} AND coalesce(locked_by, '') <> ${UPLOAD_OWNER}`);
    if (!job) return { ok: false, reason: "not_found" };
    if (job.status === "queued" || job.status === "validating" || job.status === "failed") return { ok: false, reason: "not_ready" };
    const [row] = await tx.all<SendRow>(sql`
      SELECT row_number AS rowNumber, outcome, code, message, person_id AS personId, email_norm AS emailNorm, suggestion FROM import_rows
      WHERE import_id = ${importId} AND row_number = ${rowNumber} AND code = 'possible_typo' AND suggestion IS NOT NULL AND sent_at IS NULL`);
    if (!row) return { ok: false, reason: "no_suggestion" };
    const state = row.personId ? (await loadMemberStates(tx, actor.orgId, [row.personId])).get(row.personId) : undefined;
    // Archived since the check: the admin's archive stands (Invite again on the Users page does it on purpose).
    const [change] = archivedAfterCheck(row, state, Number(job.checked_at))
      ? [heldAsArchived(row, true)]
      : await inviteRows(tx, actor, [row], true, importId, deps.publicUrl);
    await recordSendChanges(tx, importId, [change!], Date.now());
    return { ok: true, change: change! };
  });
}
