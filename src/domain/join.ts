// Joining: the invitation link, and accepting it. An invitation can be used only by the
// directory person it was sent to (same organization; same Entra object id when both are
// known, else the same address), never forwarded. Tokens are looked up by SHA-256 only.
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db, Queryable } from "../db/client.js";
import { directoryPeople, invitations, members, organizations } from "../db/schema.js";
import { sha256Hex } from "../ids.js";
import { recordAudit } from "./audit.js";
import { cancelInvitationMails } from "./outbox.js";
import { getRateInForce } from "./rates.js";

/** The signed-in person looking at or accepting an invitation. */
export type JoinIdentity = { personId: string; orgId: string };

/** What the welcome page (and the landing page) say about the organization. */
export type Welcome = { orgName: string; memberName: string; email: string; rateMilli: number | null };
export type OpenInvitation = Welcome & { id: string; inviterName: string | null };

export type InvitationLookup =
  | { status: "invalid" }
  | { status: "revoked"; reason: "archived" | "replaced" | "left"; orgName: string }
  | { status: "accepted"; orgName: string; viewerIsInvitee: boolean; welcome: Welcome }
  | { status: "open"; invitation: OpenInvitation; viewerIsInvitee: boolean | null };

export type JoinRefusal = Exclude<InvitationLookup, { status: "open" }> | { status: "someone-else" };
export type JoinResult = { ok: true; alreadyJoined: boolean; welcome: Welcome } | { ok: false; refusal: JoinRefusal };

/** 32 random bytes in base64url: anything else is not a token and never reaches the database. */
export const isWellFormedToken = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

const inviter = alias(directoryPeople, "inviter");
const invitee = alias(directoryPeople, "invitee");

async function loadInvitation(db: Queryable, token: string) {
  const [row] = await db
    .select({
      id: invitations.id,
      orgId: invitations.orgId,
      memberId: invitations.memberId,
      createdAt: invitations.createdAt,
      revokedAt: invitations.revokedAt,
      acceptedAt: invitations.acceptedAt,
      orgName: organizations.name,
      // The person as the directory has them now (a rename or a new address), the member's copy otherwise.
      memberStatus: members.status,
      emailNorm: members.emailNorm,
      email: sql<string>`coalesce(${invitee.mail}, ${invitee.userPrincipalName}, ${members.email})`,
      memberName: sql<string>`coalesce(nullif(${invitee.displayName}, ''), ${members.name})`,
      personId: members.personId,
      inviterName: inviter.displayName,
      inviteeOid: invitee.entraObjectId,
      inviteeMail: invitee.mailNorm,
      inviteeUpn: invitee.upnNorm,
      inviteeLeft: sql<number>`${invitee.removedAt} IS NOT NULL OR ${invitee.accountEnabled} = 0`,
    })
    .from(invitations)
    .innerJoin(members, and(eq(members.id, invitations.memberId), eq(members.orgId, invitations.orgId)))
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .leftJoin(inviter, and(eq(inviter.id, invitations.invitedBy), eq(inviter.orgId, invitations.orgId)))
    .leftJoin(invitee, and(eq(invitee.id, members.personId), eq(invitee.orgId, members.orgId)))
    .where(eq(invitations.tokenHash, sha256Hex(token)))
    .limit(1);
  return row;
}
type InvitationRow = NonNullable<Awaited<ReturnType<typeof loadInvitation>>>;

/** Re-inviting issues a new link: any newer invitation for the member makes this one useless. */
async function hasNewerInvitation(db: Queryable, row: InvitationRow): Promise<boolean> {
  const [newer] = await db
    .select({ id: invitations.id })
    .from(invitations)
    .where(
      and(
        eq(invitations.orgId, row.orgId),
        eq(invitations.memberId, row.memberId),
        or(gt(invitations.createdAt, row.createdAt), and(eq(invitations.createdAt, row.createdAt), gt(invitations.id, row.id))),
      ),
    )
    .limit(1);
  return newer !== undefined;
}

/** Same organization, and the same Entra object id when both sides know one, else a shared address. */
async function isInvitee(db: Queryable, row: InvitationRow, viewer: JoinIdentity): Promise<boolean> {
  if (viewer.orgId !== row.orgId) return false;
  if (row.personId !== null && viewer.personId === row.personId) return true;
  const [me] = await db
    .select({ oid: directoryPeople.entraObjectId, mail: directoryPeople.mailNorm, upn: directoryPeople.upnNorm })
    .from(directoryPeople)
    .where(and(eq(directoryPeople.id, viewer.personId), eq(directoryPeople.orgId, viewer.orgId), isNull(directoryPeople.removedAt)));
  if (!me) return false;
  if (row.inviteeOid && me.oid) return row.inviteeOid === me.oid;
  const invited = new Set(row.personId !== null ? [row.inviteeMail, row.inviteeUpn] : [row.emailNorm]);
  invited.delete(null);
  return [me.mail, me.upn].some((address) => address !== null && invited.has(address));
}

/** What a token opens, as seen by `viewer` (null when signed out). Unknown and malformed look alike. */
export async function findInvitationByToken(db: Queryable, token: string, viewer: JoinIdentity | null = null): Promise<InvitationLookup> {
  if (!isWellFormedToken(token)) return { status: "invalid" };
  const row = await loadInvitation(db, token);
  if (!row) return { status: "invalid" };
  const viewerIsInvitee = viewer ? await isInvitee(db, row, viewer) : null;
  const welcome = async (): Promise<Welcome> => ({
    orgName: row.orgName,
    memberName: row.memberName,
    email: row.email,
    rateMilli: await getRateInForce(db, row.orgId),
  });
  // Archived by the directory (the person left or was disabled) or by an admin.
  if (row.memberStatus === "archived") return { status: "revoked", reason: row.inviteeLeft ? "left" : "archived", orgName: row.orgName };
  if (row.acceptedAt === null && (row.revokedAt !== null || (await hasNewerInvitation(db, row)))) {
    return { status: "revoked", reason: "replaced", orgName: row.orgName };
  }
  if (row.acceptedAt !== null || row.memberStatus === "active") {
    return { status: "accepted", orgName: row.orgName, viewerIsInvitee: viewerIsInvitee === true, welcome: await welcome() };
  }
  return { status: "open", invitation: { ...(await welcome()), id: row.id, inviterName: row.inviterName || null }, viewerIsInvitee };
}

/**
 * Join: in one write transaction the member becomes Active, the invitation accepted and the audit
 * event recorded. A second submit by the same person finds it accepted and simply answers welcome.
 */
export async function acceptInvitationForIdentity(db: Db, identity: JoinIdentity, token: string): Promise<JoinResult> {
  if (!isWellFormedToken(token)) return { ok: false, refusal: { status: "invalid" } };
  // BEGIN IMMEDIATE, waiting its turn: two submits at once are serialized, the second sees accepted.
  return db.write(async (tx): Promise<JoinResult> => {
    const lookup = await findInvitationByToken(tx, token, identity);
    if (lookup.status === "accepted" && lookup.viewerIsInvitee) return { ok: true, alreadyJoined: true, welcome: lookup.welcome };
    if (lookup.status !== "open") return { ok: false, refusal: lookup };
    if (!lookup.viewerIsInvitee) return { ok: false, refusal: { status: "someone-else" } };
    const row = (await loadInvitation(tx, token))!;
    const now = new Date();
    await tx
      .update(invitations)
      .set({ acceptedAt: now })
      .where(and(eq(invitations.id, row.id), eq(invitations.orgId, row.orgId), isNull(invitations.acceptedAt)));
    await tx
      .update(members)
      .set({ status: "active", activatedAt: now, updatedAt: now, personId: row.personId ?? identity.personId })
      .where(and(eq(members.id, row.memberId), eq(members.orgId, row.orgId), eq(members.status, "invited")));
    // A copy still waiting (a resend) would invite someone who has joined.
    await cancelInvitationMails(tx, [row.id], "Not sent: the invitation was accepted before it went out.");
    await recordAudit(tx, {
      orgId: row.orgId,
      actorId: identity.personId,
      action: "member.join",
      memberId: row.memberId,
      subject: row.email,
      detail: { invitationId: row.id },
    });
    const { orgName, memberName, email, rateMilli } = lookup.invitation;
    return { ok: true, alreadyJoined: false, welcome: { orgName, memberName, email, rateMilli } };
  });
}
