// Joining against a real migrated libSQL file: who may use a link, what Join changes, and
// that revoked, replaced, accepted and malformed links change nothing.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, invitations, memberCounts, members, mileageRates } from "../../src/db/schema.js";
import { acceptInvitationForIdentity, findInvitationByToken, type JoinIdentity } from "../../src/domain/join.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { newId, newToken } from "../../src/ids.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { archiveDirectly, inviteDirectly } from "../support/join-fixtures.js";

let database: TestDatabase;
let orgId: string;
let otherOrgId: string;

beforeEach(async () => {
  database = await createTestDatabase();
  const org = await createOrganization(database.db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Ada Admin", isAdmin: true },
      { email: "pat@fabrikam.example", displayName: "Pat Invitee" },
      { email: "sam@fabrikam.example", displayName: "Sam Colleague" },
      // The same mailbox under another sign-in name (no object ids known on either side).
      { email: "pat.alias@fabrikam.example", mail: "pat@fabrikam.example", userPrincipalName: "pat.alias@fabrikam.example", displayName: "Pat (alias)" },
      { email: "oid.one@fabrikam.example", entraObjectId: "11111111-1111-1111-1111-111111111111", displayName: "Oid One" },
      { email: "oid.two@fabrikam.example", mail: "oid.one@fabrikam.example", entraObjectId: "22222222-2222-2222-2222-222222222222", displayName: "Oid Two" },
    ],
  });
  orgId = org.id;
  otherOrgId = (
    await createOrganization(database.db, {
      name: "Northwind",
      domain: "northwind.example",
      people: [{ email: "pat@fabrikam.example", userPrincipalName: "pat@northwind.example", displayName: "Pat elsewhere" }],
    })
  ).id;
  await database.db.write((tx) => tx.insert(mileageRates).values({ id: newId(), orgId, year: new Date().getUTCFullYear(), rateMilli: 655 }));
});
afterEach(() => database.close());

async function identity(email: string, org = orgId): Promise<JoinIdentity> {
  const person = await findPersonByAddress(database.db, email, org);
  return { personId: person!.id, orgId: org };
}

async function state(memberId: string) {
  const [member] = await database.db.select().from(members).where(eq(members.id, memberId));
  const audits = await database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.memberId, memberId), eq(auditEvents.action, "member.join")));
  const invites = await database.db.select().from(invitations).where(eq(invitations.memberId, memberId));
  return { member: member!, audits, accepted: invites.filter((i) => i.acceptedAt !== null).length };
}

describe("findInvitationByToken", () => {
  it("opens an invitation: organization, inviter, invited address and the rate in force", async () => {
    const { token } = await inviteDirectly(database.db, orgId, "pat@fabrikam.example", { invitedByEmail: "admin@fabrikam.example" });
    const found = await findInvitationByToken(database.db, token);
    expect(found).toMatchObject({
      status: "open",
      viewerIsInvitee: null,
      invitation: { orgName: "Fabrikam", inviterName: "Ada Admin", email: "pat@fabrikam.example", memberName: "Pat Invitee", rateMilli: 655 },
    });
  });

  it("answers invalid for unknown tokens, and for malformed ones without touching the database", async () => {
    expect(await findInvitationByToken(database.db, newToken())).toEqual({ status: "invalid" });
    const closed = await createTestDatabase();
    closed.close();
    for (const bad of ["", "short", "x".repeat(44), `${"a".repeat(42)}=`, `${"a".repeat(42)}/`, `${"a".repeat(42)}é`]) {
      expect(await findInvitationByToken(closed.db, bad)).toEqual({ status: "invalid" });
    }
    // A well-formed token does reach the (closed) database: the check above is not vacuous.
    await expect(findInvitationByToken(closed.db, newToken())).rejects.toThrow();
  });

  it("binds the link to the invited directory person", async () => {
    const { token } = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    const seenBy = async (who: JoinIdentity) => {
      const found = await findInvitationByToken(database.db, token, who);
      return found.status === "open" ? found.viewerIsInvitee : found.status;
    };
    expect(await seenBy(await identity("pat@fabrikam.example"))).toBe(true);
    expect(await seenBy(await identity("sam@fabrikam.example"))).toBe(false);
    // Same mailbox, other directory entry, no object ids: the address decides (ignoring case).
    expect(await seenBy(await identity("pat.alias@fabrikam.example"))).toBe(true);
    // The same address in another organization is someone else.
    expect(await seenBy(await identity("pat@northwind.example", otherOrgId))).toBe(false);
  });

  it("compares Entra object ids when both are known, whatever the addresses say", async () => {
    const { token } = await inviteDirectly(database.db, orgId, "oid.one@fabrikam.example");
    const one = await findInvitationByToken(database.db, token, await identity("oid.one@fabrikam.example"));
    const two = await findInvitationByToken(database.db, token, await identity("oid.two@fabrikam.example"));
    expect(one).toMatchObject({ status: "open", viewerIsInvitee: true });
    expect(two).toMatchObject({ status: "open", viewerIsInvitee: false });
  });

  it("says which: withdrawn (archived), replaced (re-invited), accepted", async () => {
    const first = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    const second = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    expect(await findInvitationByToken(database.db, first.token)).toEqual({ status: "revoked", reason: "replaced", orgName: "Fabrikam" });
    expect(await findInvitationByToken(database.db, second.token)).toMatchObject({ status: "open" });
    await archiveDirectly(database.db, second.memberId);
    expect(await findInvitationByToken(database.db, second.token)).toEqual({ status: "revoked", reason: "archived", orgName: "Fabrikam" });
    const third = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    await acceptInvitationForIdentity(database.db, await identity("pat@fabrikam.example"), third.token);
    expect(await findInvitationByToken(database.db, third.token, null)).toMatchObject({ status: "accepted", viewerIsInvitee: false });
  });

  it("treats a link as replaced when a newer invitation exists even if nobody set revoked_at", async () => {
    const first = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    await database.db.write((tx) =>
      tx.insert(invitations).values({ id: newId(), orgId, memberId: first.memberId, tokenHash: "f".repeat(64), createdAt: new Date(Date.now() + 1000) }),
    );
    expect(await findInvitationByToken(database.db, first.token)).toMatchObject({ status: "revoked", reason: "replaced" });
  });
});

describe("acceptInvitationForIdentity", () => {
  it("makes the member Active, marks the invitation accepted and records member.join, in one go", async () => {
    const { token, memberId, invitationId } = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    const pat = await identity("pat@fabrikam.example");
    const result = await acceptInvitationForIdentity(database.db, pat, token);
    expect(result).toEqual({
      ok: true,
      alreadyJoined: false,
      welcome: { orgName: "Fabrikam", memberName: "Pat Invitee", email: "pat@fabrikam.example", rateMilli: 655 },
    });
    const after = await state(memberId);
    expect(after.member.status).toBe("active");
    expect(after.member.activatedAt).toBeInstanceOf(Date);
    expect(after.accepted).toBe(1);
    expect(after.audits).toHaveLength(1);
    expect(after.audits[0]).toMatchObject({ orgId, actorId: pat.personId, subject: "pat@fabrikam.example", detail: { invitationId } });
    const counts = await database.db.select().from(memberCounts).where(eq(memberCounts.orgId, orgId));
    expect(Object.fromEntries(counts.map((c) => [c.status, c.count]))).toMatchObject({ invited: 0, active: 1 });
  });

  it("is harmless when submitted twice, even at the same moment", async () => {
    const { token, memberId } = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    const pat = await identity("pat@fabrikam.example");
    const results = await Promise.all([acceptInvitationForIdentity(database.db, pat, token), acceptInvitationForIdentity(database.db, pat, token)]);
    const again = await acceptInvitationForIdentity(database.db, pat, token);
    expect(results.map((r) => r.ok && r.alreadyJoined).sort()).toEqual([false, true]);
    expect(again).toMatchObject({ ok: true, alreadyJoined: true, welcome: { orgName: "Fabrikam" } });
    expect((await state(memberId)).audits).toHaveLength(1);
  });

  it("refuses anyone else, and refuses revoked links, changing nothing", async () => {
    const { token, memberId } = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    expect(await acceptInvitationForIdentity(database.db, await identity("sam@fabrikam.example"), token)).toEqual({
      ok: false,
      refusal: { status: "someone-else" },
    });
    expect(await acceptInvitationForIdentity(database.db, await identity("pat@northwind.example", otherOrgId), token)).toEqual({
      ok: false,
      refusal: { status: "someone-else" },
    });
    const newer = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    const pat = await identity("pat@fabrikam.example");
    expect(await acceptInvitationForIdentity(database.db, pat, token)).toMatchObject({ ok: false, refusal: { status: "revoked", reason: "replaced" } });
    await archiveDirectly(database.db, memberId);
    expect(await acceptInvitationForIdentity(database.db, pat, newer.token)).toMatchObject({ ok: false, refusal: { status: "revoked", reason: "archived" } });
    expect(await acceptInvitationForIdentity(database.db, pat, "not-a-token")).toEqual({ ok: false, refusal: { status: "invalid" } });
    const after = await state(memberId);
    expect(after.member.status).toBe("archived");
    expect(after.accepted).toBe(0);
    expect(after.audits).toHaveLength(0);
  });

  it("tells another person who presents an accepted link that it is accepted, without joining them", async () => {
    const { token } = await inviteDirectly(database.db, orgId, "pat@fabrikam.example");
    await acceptInvitationForIdentity(database.db, await identity("pat@fabrikam.example"), token);
    expect(await acceptInvitationForIdentity(database.db, await identity("sam@fabrikam.example"), token)).toMatchObject({
      ok: false,
      refusal: { status: "accepted" },
    });
  });
});
