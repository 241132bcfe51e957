// Send Invite judges every row against the present, not the check: a person archived since the
// check is not invited over the admin's archive (Invite again on the Users page is the way to
// do that on purpose), and rows skipped as already invited or already a member say what is true
// now. Each chunk reads the memberships of its people in one statement.
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { messages, type RowCode, type RowOutcome } from "./import-messages.js";

export type SendRow = {
  rowNumber: number;
  outcome: RowOutcome;
  code: string;
  message: string | null;
  personId: string | null;
  emailNorm: string | null;
  suggestion: string | null;
};

/** What Send Invite did with one row: `to` is "invited" for a person it invited. */
export type Change = { rowNumber: number; from: RowOutcome; to: RowOutcome | "invited"; code: RowCode; message: string; typo: boolean };

type MemberState = { status: "invited" | "active" | "archived"; archivedAt: number | null };

/** The membership of each of these people now (a live one before an archived one). */
export async function loadMemberStates(tx: Tx, orgId: string, personIds: string[]): Promise<Map<string, MemberState>> {
  const states = new Map<string, MemberState>();
  if (personIds.length === 0) return states;
  const [row] = await tx.all<{ rows: string | null }>(sql`
    SELECT json_group_array(json_array(m.person_id, m.status, m.archived_at)) AS rows
    FROM json_each(${JSON.stringify([...new Set(personIds)])}) j CROSS JOIN members m ON m.person_id = j.value AND +m.org_id = ${orgId}`);
  for (const [personId, status, archivedAt] of JSON.parse(row?.rows ?? "[]") as [string, MemberState["status"], number | null][]) {
    const held = states.get(personId);
    if (!held || held.status === "archived") states.set(personId, { status, archivedAt });
  }
  return states;
}

/**
 * Archived after the check: archived later than the check finished, or archived now while the
 * check found them not archived (a ready row that did not say "will be invited again").
 */
export function archivedAfterCheck(row: SendRow, state: MemberState | undefined, checkedAt: number): boolean {
  if (state?.status !== "archived") return false;
  return (state.archivedAt ?? 0) > checkedAt || (row.code === "ready" && row.message !== messages.archived);
}

const inWords = (row: SendRow, sentence: string) => (row.suggestion ? messages.typoOf(row.suggestion, "", sentence) : sentence);

export function heldAsArchived(row: SendRow, typo: boolean): Change {
  return { rowNumber: row.rowNumber, from: row.outcome, to: "skipped", code: "archived_after_check", message: inWords(row, messages.archivedAfterCheck), typo };
}

/** A row skipped at the check as already invited or already a member, as things stand now. */
export function rejudgeSkipped(row: SendRow, state: MemberState | undefined): Change {
  const change = (code: RowCode, message: string): Change => ({ rowNumber: row.rowNumber, from: row.outcome, to: "skipped", code, message, typo: false });
  if (state?.status === "archived") return change("archived_after_check", inWords(row, messages.archivedAfterCheck));
  if (state?.status === "active") return change("already_active", inWords(row, messages.alreadyActive));
  if (state?.status === "invited" && row.code !== "already_invited") return change("already_invited", inWords(row, messages.invitedSinceCheck));
  return change(row.code as RowCode, row.message ?? "");
}
