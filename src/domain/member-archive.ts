// Archiving members (one row's Archive, or several selected rows at once) and inviting an
// archived member again. Archiving revokes open invitations and cancels their unsent emails,
// ends the person's sessions and queues a notice email, all in the same transaction as the
// status change. The notice goes to people the invitation reached: someone whose only
// invitation email was still waiting never heard of it, and gets nothing.
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { guardEq } from "../db/filters.js";
import type { Db, Tx } from "../db/client.js";
import { members, organizations, sessions } from "../db/schema.js";
import { signatoryName, type Actor } from "./actor.js";
import { auditActor, recordAudits } from "./audit.js";
import { revokeOpenInvitationsSql } from "./invitation-rows.js";
import { inviteMembers, type InviteOutcome } from "./invitations.js";
import { cancelMemberInvitationMails, enqueueMails } from "./outbox.js";

export const MAX_ARCHIVE_BATCH = 200;

export type ArchiveResult = { archived: string[]; alreadyArchived: string[]; notFound: string[] };

/** Archives the Invited or Active members among `memberIds`; ids of other organizations are reported as not found. */
export async function archiveMembers(db: Db, actor: Actor, memberIds: string[]): Promise<ArchiveResult> {
  const ids = [...new Set(memberIds)].slice(0, MAX_ARCHIVE_BATCH);
  if (ids.length === 0) return { archived: [], alreadyArchived: [], notFound: [] };
  return db.write((tx) => archiveInTransaction(tx, actor, ids));
}

/** archiveMembers as part of the caller's open write transaction: it commits or rolls back with it. */
export async function archiveMembersInTransaction(tx: Tx, actor: Actor, memberIds: string[]): Promise<ArchiveResult> {
  const ids = [...new Set(memberIds)].slice(0, MAX_ARCHIVE_BATCH);
  if (ids.length === 0) return { archived: [], alreadyArchived: [], notFound: [] };
  return archiveInTransaction(tx, actor, ids);
}

async function archiveInTransaction(tx: Tx, actor: Actor, ids: string[]): Promise<ArchiveResult> {
  const found = await tx
    .select({ id: members.id, status: members.status, personId: members.personId, email: members.email, name: members.name })
    .from(members)
    .where(and(inArray(members.id, ids), guardEq(members.orgId, actor.orgId)));
  const foundIds = new Set(found.map((m) => m.id));
  const targets = found.filter((m) => m.status !== "archived");
  const result: ArchiveResult = {
    archived: targets.map((m) => m.id),
    alreadyArchived: found.filter((m) => m.status === "archived").map((m) => m.id),
    notFound: ids.filter((id) => !foundIds.has(id)),
  };
  if (targets.length === 0) return result;
  const now = new Date();
  const targetIds = targets.map((m) => m.id);
  await tx
    .update(members)
    .set({ status: "archived", archivedAt: now, archivedBy: actor.personId, updatedAt: now })
    .where(and(inArray(members.id, targetIds), guardEq(members.orgId, actor.orgId), ne(members.status, "archived")));
  const reached = await findReachedMembers(
    tx,
    targets.filter((m) => m.status === "invited").map((m) => m.id),
  );
  await tx.run(revokeOpenInvitationsSql(actor.orgId, targetIds, now.getTime()));
  await cancelMemberInvitationMails(tx, targetIds, "Not sent: the person was archived before it went out.");
  // An archived person is signed out at once: their sessions go in this transaction.
  const personIds = targets.flatMap((m) => (m.personId ? [m.personId] : []));
  if (personIds.length > 0) await tx.delete(sessions).where(and(eq(sessions.orgId, actor.orgId), inArray(sessions.personId, personIds)));
  const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, actor.orgId));
  await enqueueMails(
    tx,
    targets
      .filter((m) => m.status === "active" || reached.has(m.id))
      .map((m) => ({
        orgId: actor.orgId,
        kind: "archive_notice",
        to: m.email,
        idempotencyKey: `archive:${m.id}:${now.getTime()}`,
        template: "archive_notice",
        params: { orgName: org?.name ?? "", recipientName: m.name || m.email, archivedByName: signatoryName(actor), wasMember: m.status === "active" },
      })),
  );
  await recordAudits(
    tx,
    targets.map((m) => ({
      orgId: actor.orgId,
      ...auditActor(actor),
      action: "member.archive",
      memberId: m.id,
      subject: m.email,
      detail: { name: m.name, previousStatus: m.status, ...(targets.length > 1 ? { batch: targets.length } : {}) },
    })),
  );
  return result;
}

/**
 * Of these invited members, those an invitation email reached (sent or delivered). One claimed
 * by a mail worker is not counted: the worker checks again before sending and drops it.
 */
async function findReachedMembers(tx: Tx, memberIds: string[]): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await tx.all<{ member_id: string }>(sql`SELECT DISTINCT i.member_id FROM json_each(${JSON.stringify(memberIds)}) j
    CROSS JOIN invitations i ON i.member_id = j.value
    WHERE i.delivery_status IN ('sent', 'delivered', 'delivery_delayed', 'complained')
      OR EXISTS (SELECT 1 FROM mail_outbox o WHERE o.invitation_id = i.id AND o.status = 'sent')`);
  return new Set(rows.map((r) => r.member_id));
}

export type ReinviteResult = { ok: true; outcome: InviteOutcome } | { ok: false; reason: "not_found" | "not_archived" | "no_person"; message: string };

/** Invite again: an Archived member gets a new invitation (and a new link) through inviteMembers. */
export async function reinviteMember(db: Db, actor: Actor, memberId: string, deps: { publicUrl: string }): Promise<ReinviteResult> {
  const [member] = await db
    .select({ status: members.status, personId: members.personId })
    .from(members)
    .where(and(eq(members.orgId, actor.orgId), eq(members.id, memberId)));
  if (!member) return { ok: false, reason: "not_found", message: "This user is not in your organization." };
  if (member.status !== "archived") return { ok: false, reason: "not_archived", message: "Only archived users can be invited again." };
  if (!member.personId) return { ok: false, reason: "no_person", message: "This user is no longer linked to a directory account." };
  const { outcomes } = await inviteMembers(db, actor, { personIds: [member.personId] }, deps);
  return { ok: true, outcome: outcomes[0]! };
}
