// Resend invitation: the same link, in an email rendered now (today's rate, the person's current
// name and address), marked as a reminder. Only the token's hash is stored, so the link is read
// back from the link in the invitation's latest email and checked against the hash. When there is no earlier
// email (the demo seed makes invitations without one) a fresh link replaces the old one, and the
// audit event says so. A copy still waiting to go is replaced. A few resends per member per UTC day.
import { and, count, desc, eq, gte, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { auditEvents, directoryPeople, invitations, members } from "../db/schema.js";
import { newId, newToken, sha256Hex } from "../ids.js";
import type { Actor } from "./actor.js";
import { auditActor, recordAudit } from "./audit.js";
import { loadInvitationMailContext } from "./member-mail.js";
import { invitationMail, mailLinkSql } from "./mail-templates.js";
import { cancelInvitationMails, enqueueMails, invitationMailKey } from "./outbox.js";

export type ResendRefusal = "not_found" | "not_invited" | "limit_reached" | "left_directory" | "account_disabled";
export type ResendResult = { ok: true; freshLink: boolean } | { ok: false; reason: ResendRefusal; message: string };

const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

export async function resendInvitation(db: Db, actor: Actor, memberId: string, deps: { publicUrl: string; resendsPerDay: number }): Promise<ResendResult> {
  return db.write(async (tx): Promise<ResendResult> => {
    const [member] = await tx
      .select({
        id: members.id,
        status: members.status,
        email: members.email,
        name: members.name,
        removedAt: directoryPeople.removedAt,
        enabled: directoryPeople.accountEnabled,
        displayName: directoryPeople.displayName,
        currentEmail: sql<string | null>`coalesce(${directoryPeople.mail}, ${directoryPeople.userPrincipalName})`,
      })
      .from(members)
      .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
      .where(and(eq(members.orgId, actor.orgId), eq(members.id, memberId)));
    if (!member) return { ok: false, reason: "not_found", message: "This user is not in your organization." };
    if (member.status !== "invited") return { ok: false, reason: "not_invited", message: "Only invitations that are still waiting can be sent again." };
    if (member.removedAt)
      return { ok: false, reason: "left_directory", message: `${member.name || member.email} has left the directory: the invitation was not sent again.` };
    if (member.enabled === false)
      return {
        ok: false,
        reason: "account_disabled",
        message: `The directory account of ${member.name || member.email} is disabled: the invitation was not sent again.`,
      };

    const now = new Date();
    const [sentToday] = await tx
      .select({ n: count() })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.orgId, actor.orgId),
          eq(auditEvents.action, "member.resend"),
          eq(auditEvents.memberId, member.id),
          gte(auditEvents.createdAt, startOfUtcDay(now)),
        ),
      );
    if ((sentToday?.n ?? 0) >= deps.resendsPerDay) {
      return {
        ok: false,
        reason: "limit_reached",
        message: `The invitation to ${member.name || member.email} was already sent again ${deps.resendsPerDay === 1 ? "once" : `${deps.resendsPerDay} times`} today. You can send it again tomorrow (UTC).`,
      };
    }

    const [invitation] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.orgId, actor.orgId), eq(invitations.memberId, member.id), isNull(invitations.revokedAt), isNull(invitations.acceptedAt)))
      .orderBy(desc(invitations.createdAt), desc(invitations.id))
      .limit(1);
    const token = invitation ? await recoverToken(tx, invitation.id, invitation.tokenHash) : null;
    // The person as the directory has them now (name, address); the member row as a fallback.
    const recipient = { email: member.currentEmail ?? member.email, name: member.displayName || member.name || member.email };

    if (invitation && token) {
      const sendNumber = invitation.sentCount + 1;
      // A copy still waiting would go out beside this one: this one, rendered now, replaces it.
      await cancelInvitationMails(tx, [invitation.id], "Not sent: replaced by a newer copy (Resend invitation).");
      const inviterName = (await nameOf(tx, actor.orgId, invitation.invitedBy)) ?? actor.name;
      const context = { ...(await loadInvitationMailContext(tx, actor.orgId, inviterName)), reminder: true };
      await queueInvitationMail(tx, actor.orgId, { invitationId: invitation.id, sendNumber, token, recipient, publicUrl: deps.publicUrl, context });
      await tx.update(invitations).set({ sentCount: sendNumber, lastSentAt: now }).where(eq(invitations.id, invitation.id));
      await recordResend(tx, actor, member, { name: member.name, invitationId: invitation.id, sendNumber });
      return { ok: true, freshLink: false };
    }
    await issueFreshLink(tx, actor, { id: member.id, email: recipient.email, name: recipient.name }, invitation?.id ?? null, now, deps.publicUrl);
    return { ok: true, freshLink: true };
  });
}

/**
 * The invitation's token, read back from the link in its latest email and checked against the
 * stored hash; null when there is no such email (the demo seed makes invitations without one).
 */
async function recoverToken(tx: Tx, invitationId: string, tokenHash: string): Promise<string | null> {
  const [mail] = await tx.all<{ link: string | null }>(sql`SELECT ${mailLinkSql} AS link FROM mail_outbox o
    WHERE o.invitation_id = ${invitationId} AND o.kind = 'invitation' ORDER BY o.id DESC LIMIT 1`);
  return tokenFromMailText(mail?.link ?? "", tokenHash);
}

/** The token in an invitation email's link whose SHA-256 is `tokenHash`, or null (reminders send the same link too). */
export function tokenFromMailText(text: string, tokenHash: string): string | null {
  for (const [, token] of text.matchAll(/\/join\/([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g)) {
    if (sha256Hex(token!) === tokenHash) return token!;
  }
  return null;
}

async function nameOf(tx: Tx, orgId: string, personId: string | null): Promise<string | null> {
  if (!personId) return null;
  const [person] = await tx
    .select({ name: directoryPeople.displayName })
    .from(directoryPeople)
    .where(and(eq(directoryPeople.id, personId), eq(directoryPeople.orgId, orgId)));
  return person?.name || null;
}

async function issueFreshLink(tx: Tx, actor: Actor, member: { id: string; email: string; name: string }, oldId: string | null, now: Date, publicUrl: string) {
  if (oldId) {
    await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, oldId));
    await cancelInvitationMails(tx, [oldId], "Not sent: replaced by a new link (Resend invitation).");
  }
  const id = newId();
  const token = newToken();
  await tx.insert(invitations).values({
    id,
    orgId: actor.orgId,
    memberId: member.id,
    tokenHash: sha256Hex(token),
    invitedBy: actor.personId,
    sentCount: 1,
    lastSentAt: now,
    deliveryStatus: "queued",
    createdAt: now,
  });
  const context = await loadInvitationMailContext(tx, actor.orgId, actor.name);
  await queueInvitationMail(tx, actor.orgId, { invitationId: id, sendNumber: 1, token, recipient: member, publicUrl, context });
  await recordResend(tx, actor, member, {
    name: member.name,
    invitationId: id,
    freshLink: true,
    revokedInvitationId: oldId,
    why: "no earlier email to copy: a new link was sent and the old one revoked",
  });
}

/** Queues the invitation email with the link for `token` (send number `sendNumber` of this invitation). */
async function queueInvitationMail(
  tx: Tx,
  orgId: string,
  mail: {
    invitationId: string;
    sendNumber: number;
    token: string;
    recipient: { email: string; name: string };
    publicUrl: string;
    context: Parameters<typeof invitationMail>[0];
  },
) {
  await enqueueMails(tx, [
    {
      orgId,
      kind: "invitation",
      invitationId: mail.invitationId,
      idempotencyKey: invitationMailKey(mail.invitationId, mail.sendNumber),
      to: mail.recipient.email,
      ...invitationMail(mail.context, { joinUrl: `${mail.publicUrl}/join/${mail.token}`, recipientName: mail.recipient.name }),
    },
  ]);
}

/** The audit event of a resend: it is also what the daily limit counts. */
async function recordResend(tx: Tx, actor: Actor, member: { id: string; email: string }, detail: Record<string, unknown>) {
  await recordAudit(tx, { orgId: actor.orgId, ...auditActor(actor), action: "member.resend", memberId: member.id, subject: member.email, detail });
}
