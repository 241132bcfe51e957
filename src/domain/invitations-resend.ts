// Resend invitation: the same link, the email sent again. Only the token's hash is stored, so
// "the same link" means a copy of the invitation's latest email. When there is no earlier email
// to copy (the demo seed makes invitations without one) a fresh link replaces the old one, and
// the audit event says so. A few resends per member per UTC day.
import { and, count, desc, eq, gte, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { auditEvents, directoryPeople, invitations, mailOutbox, members } from "../db/schema.js";
import { newId, newToken, sha256Hex } from "../ids.js";
import type { Actor } from "./actor.js";
import { recordAudit, type Tx } from "./audit.js";
import { invitationMailer, loadInvitationMailContext } from "./member-mail.js";
import { enqueueMails, invitationMailKey } from "./outbox.js";
import { runWriteTransaction } from "./write-transaction.js";

export type ResendRefusal = "not_found" | "not_invited" | "limit_reached" | "left_directory" | "account_disabled";
export type ResendResult = { ok: true; freshLink: boolean } | { ok: false; reason: ResendRefusal; message: string };

const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export async function resendInvitation(db: Db, actor: Actor, memberId: string, deps: { publicUrl: string; resendsPerDay: number }): Promise<ResendResult> {
  return runWriteTransaction(db, async (tx): Promise<ResendResult> => {
    const [member] = await tx.select({ id: members.id, status: members.status, email: members.email, name: members.name,
      removedAt: directoryPeople.removedAt, enabled: directoryPeople.accountEnabled, displayName: directoryPeople.displayName })
      .from(members).leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
      .where(and(eq(members.orgId, actor.orgId), eq(members.id, memberId)));
    if (!member) return { ok: false, reason: "not_found", message: "This user is not in your organization." };
    if (member.status !== "invited") return { ok: false, reason: "not_invited", message: "Only invitations that are still waiting can be sent again." };
    if (member.removedAt) return { ok: false, reason: "left_directory", message: `${member.name || member.email} has left the directory: the invitation was not sent again.` };
    if (member.enabled === false) return { ok: false, reason: "account_disabled", message: `The directory account of ${member.name || member.email} is disabled: the invitation was not sent again.` };

    const now = new Date();
    const [sentToday] = await tx.select({ n: count() }).from(auditEvents).where(and(eq(auditEvents.orgId, actor.orgId),
      eq(auditEvents.action, "member.resend"), eq(auditEvents.memberId, member.id), gte(auditEvents.createdAt, startOfUtcDay(now))));
    if ((sentToday?.n ?? 0) >= deps.resendsPerDay) {
      return { ok: false, reason: "limit_reached", message: `The invitation to ${member.name || member.email} was already sent again ${deps.resendsPerDay} times today. You can send it again tomorrow (UTC).` };
    }

    const [invitation] = await tx.select().from(invitations)
      .where(and(eq(invitations.orgId, actor.orgId), eq(invitations.memberId, member.id), isNull(invitations.revokedAt), isNull(invitations.acceptedAt)))
      .orderBy(desc(invitations.createdAt), desc(invitations.id)).limit(1);
    const [lastMail] = invitation
      ? await tx.select({ to: mailOutbox.to, subject: mailOutbox.subject, html: mailOutbox.html, text: mailOutbox.text }).from(mailOutbox)
        .where(and(eq(mailOutbox.invitationId, invitation.id), eq(mailOutbox.kind, "invitation"))).orderBy(desc(mailOutbox.id)).limit(1)
      : [];

    if (invitation && lastMail) {
      const sendNumber = invitation.sentCount + 1;
      await enqueueMails(tx, [{ orgId: actor.orgId, kind: "invitation", invitationId: invitation.id, idempotencyKey: invitationMailKey(invitation.id, sendNumber), ...lastMail }]);
      await tx.update(invitations).set({ sentCount: sendNumber, lastSentAt: now }).where(eq(invitations.id, invitation.id));
      await recordAudit(tx, { orgId: actor.orgId, actorId: actor.personId, action: "member.resend", memberId: member.id, subject: member.email,
        detail: { name: member.name, invitationId: invitation.id, sendNumber } });
      return { ok: true, freshLink: false };
    }
    await issueFreshLink(tx, actor, member, invitation?.id ?? null, now, deps.publicUrl);
    return { ok: true, freshLink: true };
  });
}

async function issueFreshLink(tx: Tx, actor: Actor, member: { id: string; email: string; name: string }, oldId: string | null, now: Date, publicUrl: string) {
  if (oldId) await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, oldId));
  const id = newId();
  const token = newToken();
  await tx.insert(invitations).values({ id, orgId: actor.orgId, memberId: member.id, tokenHash: sha256Hex(token), invitedBy: actor.personId,
    sentCount: 1, lastSentAt: now, deliveryStatus: "queued", createdAt: now });
  const render = invitationMailer(await loadInvitationMailContext(tx, actor.orgId, actor.name));
  await enqueueMails(tx, [{ orgId: actor.orgId, kind: "invitation", to: member.email, invitationId: id, idempotencyKey: invitationMailKey(id, 1),
    ...render({ joinUrl: `${publicUrl}/join/${token}`, recipientName: member.name || member.email }) }]);
  await recordAudit(tx, { orgId: actor.orgId, actorId: actor.personId, action: "member.resend", memberId: member.id, subject: member.email,
    detail: { name: member.name, invitationId: id, freshLink: true, revokedInvitationId: oldId, why: "no earlier email to copy: a new link was sent and the old one revoked" } });
}
