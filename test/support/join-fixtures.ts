// Invitations made straight in the database for the join tests, so they do not depend on the
// invite feature: a members row (status invited) and an invitations row with a known token.
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../src/db/client.js";
import { invitations, members } from "../../src/db/schema.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { newId, newToken, sha256Hex } from "../../src/ids.js";

export type DirectInvitation = { token: string; invitationId: string; memberId: string; personId: string };

/** Invites (or re-invites) a directory person: earlier open invitations of the member are revoked. */
export async function inviteDirectly(db: Db, orgId: string, email: string, input: { invitedByEmail?: string } = {}): Promise<DirectInvitation> {
  const person = await findPersonByAddress(db, email, orgId);
  if (!person) throw new Error(`no directory person ${email}`);
  const inviter = input.invitedByEmail ? await findPersonByAddress(db, input.invitedByEmail, orgId) : undefined;
  const now = new Date();
  let [member] = await db
    .select()
    .from(members)
    .where(and(eq(members.orgId, orgId), eq(members.personId, person.id)));
  if (!member) {
    [member] = await db.write((tx) =>
      tx
        .insert(members)
        .values({
          id: newId(),
          orgId,
          personId: person.id,
          email: person.mail ?? email,
          emailNorm: person.mailNorm ?? email.toLowerCase(),
          name: person.displayName,
          sortName: person.displayNorm,
          status: "invited",
          invitedAt: now,
          invitedBy: inviter?.id ?? null,
        })
        .returning(),
    );
  } else {
    const memberId = member.id;
    await db.write((tx) => tx.update(members).set({ status: "invited", invitedAt: now, archivedAt: null, activatedAt: null }).where(eq(members.id, memberId)));
    await db.write((tx) =>
      tx
        .update(invitations)
        .set({ revokedAt: now })
        .where(and(eq(invitations.memberId, memberId), isNull(invitations.revokedAt))),
    );
  }
  const token = newToken();
  const invitationId = newId();
  await db.write((tx) =>
    tx
      .insert(invitations)
      .values({ id: invitationId, orgId, memberId: member!.id, tokenHash: sha256Hex(token), invitedBy: inviter?.id ?? null, lastSentAt: now }),
  );
  return { token, invitationId, memberId: member!.id, personId: person.id };
}

/** What archiving does to an invitation: the member is archived and open invitations revoked. */
export async function archiveDirectly(db: Db, memberId: string): Promise<void> {
  const now = new Date();
  await db.write((tx) => tx.update(members).set({ status: "archived", archivedAt: now }).where(eq(members.id, memberId)));
  await db.write((tx) =>
    tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.memberId, memberId), isNull(invitations.revokedAt))),
  );
}
