// People who left. When the directory (the Graph delta sync, directory:import) finds a person
// disabled or gone, their members are archived, Invited or Active alike: open invitations revoked
// (the link then says it is no longer valid), queued invitation emails cancelled and sessions
// ended, in the same transaction as the directory change, and each archive recorded in the
// activity log as done by the directory. No notice email: the person has left.
import { sql, type SQL } from "drizzle-orm";
import { newId } from "../ids.js";
import type { Tx } from "../db/client.js";
import { revokeOpenInvitationsSql } from "./invitation-rows.js";
import { cancelMemberInvitationMailsSql } from "./outbox.js";

export type LeaverReason = "disabled" | "left";
export type Leaver = { personId: string; reason: LeaverReason };

/** Who the activity log says archived a leaver (audit_events.actor_label: a service, no person). */
export const DIRECTORY_ACTOR = "The directory";
const MAIL_REASON = "Not sent: the person left the directory or their account was disabled.";

/** The statements that archive the invited or active members of these people, read in `tx`. */
async function planLeaverArchive(tx: Tx, orgId: string, leavers: Leaver[], now: number): Promise<{ statements: SQL[]; archived: number }> {
  if (leavers.length === 0) return { statements: [], archived: 0 };
  const reasons = new Map(leavers.map((l) => [l.personId, l.reason]));
  const people = JSON.stringify([...reasons.keys()]);
  const statements = [sql`DELETE FROM sessions WHERE org_id = ${orgId} AND person_id IN (SELECT value FROM json_each(${people}))`];
  const found = await tx.all<{ id: string; person_id: string }>(sql`SELECT m.id, m.person_id FROM json_each(${people}) j
    CROSS JOIN members m ON m.person_id = j.value WHERE +m.org_id = ${orgId} AND m.status IN ('invited', 'active')`);
  if (found.length === 0) return { statements, archived: 0 };
  const ids = found.map((m) => m.id);
  const events = JSON.stringify(found.map((m) => [m.id, newId(), reasons.get(m.person_id)]));
  statements.push(
    // Before the archive itself: the event keeps the status the member had.
    sql`INSERT INTO audit_events (id, org_id, actor_id, actor_label, action, member_id, subject, detail)
      SELECT j.value ->> 1, m.org_id, NULL, ${DIRECTORY_ACTOR}, 'member.archive', m.id, m.email,
        json_object('name', m.name, 'previousStatus', m.status, 'by', 'directory', 'reason', j.value ->> 2)
      FROM json_each(${events}) j CROSS JOIN members m ON m.id = j.value ->> 0`,
    cancelMemberInvitationMailsSql(ids, MAIL_REASON),
    revokeOpenInvitationsSql(orgId, ids, now),
    sql`UPDATE members SET status = 'archived', archived_at = ${now}, archived_by = NULL, updated_at = ${now}
      WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND status IN ('invited', 'active')`,
  );
  return { statements, archived: found.length };
}

/** Archives the members of these people in `tx`. Answers how many members were archived. */
export async function archiveLeavers(tx: Tx, orgId: string, leavers: Leaver[], now = Date.now()): Promise<number> {
  const plan = await planLeaverArchive(tx, orgId, leavers, now);
  for (const statement of plan.statements) await tx.run(statement);
  return plan.archived;
}
