// inviteMembers, resend, archive and the directory type-ahead against a real libSQL database.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSession } from "../../src/auth/session.js";
import { auditEvents, directoryPeople, invitations, mailOutbox, members, organizations, sessions } from "../../src/db/schema.js";
import type { Actor } from "../../src/domain/actor.js";
import { searchDirectory } from "../../src/domain/directory-search.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { resendInvitation } from "../../src/domain/invitations-resend.js";
import { archiveMembers, reinviteMember } from "../../src/domain/member-archive.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { setMileageRate } from "../../src/domain/rates.js";
import { createLocalTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { sha256Hex } from "../../src/ids.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

const deps = { publicUrl: "https://admin.example" };
let database: TestDatabase;
let actor: Actor;
let otherActor: Actor;

beforeEach(async () => {
  database = await createTestDatabase();
  const { db } = database;
  const org = await createOrganization(db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Ada Admin", isAdmin: true },
      { email: "grace.hopper@fabrikam.example", displayName: "Grace Hopper", givenName: "Grace", surname: "Hopper", jobTitle: "Rear Admiral" },
      { email: "gregory.house@fabrikam.example", displayName: "Gregory House", givenName: "Gregory", surname: "House" },
      { email: "disabled@fabrikam.example", displayName: "Dis Abled", accountEnabled: false },
      { email: "gone@fabrikam.example", displayName: "Gone Person" },
      { email: "upn.only@fabrikam.example", mail: "Mail.Alias@Fabrikam.example", displayName: "Una Alias" },
    ],
  });
  const other = await createOrganization(db, { name: "Other", domain: "other.example" });
  const admin = (await findPersonByAddress(db, "admin@fabrikam.example", org.id))!;
  const otherAdmin = (await findPersonByAddress(db, "admin@other.example", other.id))!;
  await db.write((tx) => tx.update(directoryPeople).set({ removedAt: new Date() }).where(eq(directoryPeople.mailNorm, "gone@fabrikam.example")));
  actor = { personId: admin.id, orgId: org.id, name: "Ada Admin" };
  otherActor = { personId: otherAdmin.id, orgId: other.id, name: "Other Admin" };
});
afterEach(() => database.close());

const all = async () => ({
  members: await database.db.select().from(members),
  invitations: await database.db.select().from(invitations),
  mails: await database.db.select(mailColumns).from(mailOutbox),
  audits: await database.db.select().from(auditEvents),
});

describe("inviteMembers", () => {
  it("states the organization's name and the rate in force when each email is queued: a change between two invites shows in the second", async () => {
    const bodyTo = async (to: string) => withEmail((await database.db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.to, to)))[0]!).text;
    await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps);
    expect(await bodyTo("grace.hopper@fabrikam.example")).toContain("Your organization will set its mileage rate soon.");
    expect(await setMileageRate(database.db, actor, { rate: "0.655" })).toMatchObject({ ok: true });
    await inviteMembers(database.db, actor, { emails: ["gregory.house@fabrikam.example"] }, deps);
    expect(await bodyTo("gregory.house@fabrikam.example")).toContain("$0.655 per mile");
    expect(await setMileageRate(database.db, actor, { rate: "0.7" })).toMatchObject({ ok: true });
    await database.db.write((tx) => tx.update(organizations).set({ name: "Fabrikam Fleet" }).where(eq(organizations.id, actor.orgId)));
    await inviteMembers(database.db, actor, { emails: ["upn.only@fabrikam.example"] }, deps);
    const third = await bodyTo("Mail.Alias@Fabrikam.example");
    expect(third).toContain("$0.70 per mile");
    expect(third).toContain("MileIQ for Fabrikam Fleet.");
  });

  it("invites by address (any case, spaces, mail or UPN) with a hashed token, an email and an audit event", async () => {
    const result = await inviteMembers(database.db, actor, { emails: ["  Grace.Hopper@FABRIKAM.example ", "upn.only@fabrikam.example"] }, deps);
    expect(result.invited).toBe(2);
    expect(result.outcomes.map((o) => o.result)).toEqual(["invited", "invited"]);
    const { members: rows, invitations: invs, mails, audits } = await all();
    expect([...rows].sort((a, b) => a.emailNorm.localeCompare(b.emailNorm)).map((m) => [m.email, m.emailNorm, m.name, m.sortName, m.status])).toEqual([
      ["grace.hopper@fabrikam.example", "grace.hopper@fabrikam.example", "Grace Hopper", "grace hopper", "invited"],
      ["Mail.Alias@Fabrikam.example", "mail.alias@fabrikam.example", "Una Alias", "una alias", "invited"],
    ]);
    expect(rows.every((m) => m.invitedBy === actor.personId && m.invitedAt && m.personId)).toBe(true);
    expect(invs).toHaveLength(2);
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      const token = /https:\/\/admin\.example\/join\/([A-Za-z0-9_-]{43})/.exec(withEmail(mail).text)?.[1];
      expect(token).toBeDefined();
      const invitation = invs.find((i) => i.id === mail.invitationId)!;
      expect(invitation.tokenHash).toBe(sha256Hex(token!));
      expect(mail.idempotencyKey).toBe(`invitation:${invitation.id}:1`);
    }
    expect(audits.map((a) => a.action)).toEqual(["member.invite", "member.invite"]);
  });

  it("leaves Invited and Active members alone: no second invitation or email", async () => {
    await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example", "gregory.house@fabrikam.example"] }, deps);
    await database.db.write((tx) => tx.update(members).set({ status: "active" }).where(eq(members.emailNorm, "gregory.house@fabrikam.example")));
    const again = await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example", "GREGORY.HOUSE@fabrikam.example"] }, deps);
    expect(again.invited).toBe(0);
    expect(again.outcomes.map((o) => o.result)).toEqual(["already_invited", "already_active"]);
    const { invitations: invs, mails } = await all();
    expect(invs).toHaveLength(2);
    expect(mails).toHaveLength(2);
  });

  it("refuses disabled accounts, people who left, unknown addresses and people of another organization", async () => {
    const grace = (await findPersonByAddress(database.db, "grace.hopper@fabrikam.example"))!;
    const result = await inviteMembers(
      database.db,
      actor,
      { emails: ["disabled@fabrikam.example", "gone@fabrikam.example", "nobody@fabrikam.example", "member@other.example"] },
      deps,
    );
    expect(result.outcomes.map((o) => [o.email, o.result])).toEqual([
      ["disabled@fabrikam.example", "account_disabled"],
      ["gone@fabrikam.example", "left_directory"],
      ["nobody@fabrikam.example", "not_in_directory"],
      ["member@other.example", "not_in_directory"],
    ]);
    expect(result.outcomes.every((o) => o.message.length > 5)).toBe(true);
    const fromOther = await inviteMembers(database.db, otherActor, { personIds: [grace.id] }, deps);
    expect(fromOther.outcomes[0]!.result).toBe("not_in_directory");
    expect((await all()).members).toHaveLength(0);
  });

  it("a double submit creates one invitation", async () => {
    const [a, b] = await Promise.all([
      inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps),
      inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps),
    ]);
    expect([a.outcomes[0]!.result, b.outcomes[0]!.result].sort()).toEqual(["already_invited", "invited"]);
    const { invitations: invs, mails } = await all();
    expect(invs).toHaveLength(1);
    expect(mails).toHaveLength(1);
  });

  it("the same person twice in one call (address and UPN, by id) is invited once", async () => {
    const una = (await findPersonByAddress(database.db, "upn.only@fabrikam.example"))!;
    const result = await inviteMembers(database.db, actor, { emails: ["upn.only@fabrikam.example", "mail.alias@fabrikam.example"], personIds: [una.id] }, deps);
    expect(result.invited).toBe(1);
    expect((await all()).invitations).toHaveLength(1);
  });

  it("an archived member is invited again with a new link; the old one stays revoked", async () => {
    const first = await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps);
    const memberId = first.outcomes[0]!.memberId!;
    const archived = await archiveMembers(database.db, actor, [memberId]);
    expect(archived.archived).toEqual([memberId]);
    const again = await reinviteMember(database.db, actor, memberId, deps);
    expect(again).toMatchObject({ ok: true, outcome: { result: "reinvited", memberId } });
    const { members: rows, invitations: invs, audits } = await all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "invited", archivedAt: null });
    expect(invs).toHaveLength(2);
    expect(invs.filter((i) => i.revokedAt === null)).toHaveLength(1);
    expect(audits.map((a) => a.action)).toEqual(["member.invite", "member.archive", "member.reinvite"]);
    expect(await reinviteMember(database.db, actor, memberId, deps)).toMatchObject({ ok: false, reason: "not_archived" });
    expect(await reinviteMember(database.db, otherActor, memberId, deps)).toMatchObject({ ok: false, reason: "not_found" });
  });
});

describe("archiveMembers", () => {
  it("revokes open invitations, cancels their unsent emails, ends the person's sessions, queues the notice and records it", async () => {
    // Grace's invitation email went out; Gregory's is still waiting when both are archived.
    const first = await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps);
    await drainMailOnce({ db: database.db, transport: createLocalTransport(), config: { mailRequestsPerSecond: 1000, mailMaxAttempts: 3 } });
    const second = await inviteMembers(database.db, actor, { emails: ["gregory.house@fabrikam.example"] }, deps);
    const ids = [...first.outcomes, ...second.outcomes].map((o) => o.memberId!);
    const grace = (await findPersonByAddress(database.db, "grace.hopper@fabrikam.example"))!;
    await createSession(database.db, { personId: grace.id, orgId: actor.orgId, roles: [] }, { maxHours: 12 });
    expect(await archiveMembers(database.db, otherActor, ids)).toEqual({ archived: [], alreadyArchived: [], notFound: ids });
    const result = await archiveMembers(database.db, actor, [...ids, ids[0]!]);
    expect(result.archived.sort()).toEqual([...ids].sort());
    const { members: rows, invitations: invs, mails, audits } = await all();
    expect(rows.every((m) => m.status === "archived" && m.archivedBy === actor.personId)).toBe(true);
    expect(invs.every((i) => i.revokedAt !== null)).toBe(true);
    expect(await database.db.select().from(sessions).where(eq(sessions.personId, grace.id))).toHaveLength(0);
    // Gregory never heard of his invitation: its email is cancelled and he gets no notice either.
    expect(
      mails
        .filter((m) => m.kind === "invitation")
        .map((m) => [m.to, m.status])
        .sort(),
    ).toEqual([
      ["grace.hopper@fabrikam.example", "sent"],
      ["gregory.house@fabrikam.example", "cancelled"],
    ]);
    const notices = mails.filter((m) => m.kind === "archive_notice");
    expect(notices.map((m) => m.to)).toEqual(["grace.hopper@fabrikam.example"]);
    // Grace was invited and had not joined: her invitation was withdrawn; she was never a member.
    expect(withEmail(notices[0]!).subject).toBe("Your MileIQ invitation from Fabrikam was withdrawn");
    expect(withEmail(notices[0]!).text).not.toContain("were a member");
    expect(audits.filter((a) => a.action === "member.archive")).toHaveLength(2);
    expect((await archiveMembers(database.db, actor, ids)).alreadyArchived).toHaveLength(2);
  });
});

describe("resendInvitation", () => {
  it("sends a copy of the latest email (same link) up to the daily limit", async () => {
    const first = await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps);
    const memberId = first.outcomes[0]!.memberId!;
    const limits = { ...deps, resendsPerDay: 2 };
    expect(await resendInvitation(database.db, actor, memberId, limits)).toEqual({ ok: true, freshLink: false });
    expect(await resendInvitation(database.db, actor, memberId, limits)).toEqual({ ok: true, freshLink: false });
    const refused = await resendInvitation(database.db, actor, memberId, limits);
    expect(refused).toMatchObject({ ok: false, reason: "limit_reached" });
    expect(refused.ok ? "" : refused.message).toContain("2 times today");
    const { invitations: invs, mails } = await all();
    expect(invs).toHaveLength(1);
    expect(invs[0]!.sentCount).toBe(3);
    expect(mails.map((m) => m.idempotencyKey).sort()).toEqual([1, 2, 3].map((n) => `invitation:${invs[0]!.id}:${n}`));
    // The same link (its hash is the invitation's), in an email rendered now; a copy still waiting is replaced.
    const links = new Set(mails.map((m) => /\/join\/([\w-]{43})/.exec(withEmail(m).text)![1]!));
    expect([...links].map(sha256Hex)).toEqual([invs[0]!.tokenHash]);
    expect([...mails].sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey)).map((m) => m.status)).toEqual(["cancelled", "cancelled", "queued"]);
    expect(await resendInvitation(database.db, otherActor, memberId, limits)).toMatchObject({ ok: false, reason: "not_found" });
  });

  it("issues a fresh link when there is no earlier email to copy, and refuses members who are not Invited", async () => {
    const first = await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps);
    const memberId = first.outcomes[0]!.memberId!;
    await database.db.write((tx) => tx.delete(mailOutbox));
    expect(await resendInvitation(database.db, actor, memberId, { ...deps, resendsPerDay: 3 })).toEqual({ ok: true, freshLink: true });
    const { invitations: invs, mails, audits } = await all();
    expect(invs).toHaveLength(2);
    expect(invs.filter((i) => i.revokedAt === null)).toHaveLength(1);
    expect(mails).toHaveLength(1);
    expect(audits.find((a) => a.action === "member.resend")!.detail).toMatchObject({ freshLink: true });
    await database.db.write((tx) => tx.update(members).set({ status: "active" }).where(eq(members.id, memberId)));
    expect(await resendInvitation(database.db, actor, memberId, { ...deps, resendsPerDay: 3 })).toMatchObject({ ok: false, reason: "not_invited" });
  });
});

describe("searchDirectory", () => {
  it("matches the start of addresses and names, addresses first, at most the limit, with member status", async () => {
    await inviteMembers(database.db, actor, { emails: ["grace.hopper@fabrikam.example"] }, deps);
    const found = await searchDirectory(database.db, actor.orgId, "  GR ");
    expect(found.ok && found.matches.map((m) => [m.name, m.memberStatus])).toEqual([
      ["Grace Hopper", "invited"],
      ["Gregory House", null],
    ]);
    const bySurname = await searchDirectory(database.db, actor.orgId, "hop");
    expect(bySurname.ok && bySurname.matches.map((m) => m.email)).toEqual(["grace.hopper@fabrikam.example"]);
    const limited = await searchDirectory(database.db, actor.orgId, "gr", 1);
    expect(limited.ok && limited.matches).toHaveLength(1);
  });

  it("shows disabled accounts, hides people who left and other organizations, needs 2 letters", async () => {
    const disabled = await searchDirectory(database.db, actor.orgId, "dis");
    expect(disabled.ok && disabled.matches.map((m) => [m.email, m.accountEnabled])).toEqual([["disabled@fabrikam.example", false]]);
    const gone = await searchDirectory(database.db, actor.orgId, "gone");
    expect(gone.ok && gone.matches).toEqual([]);
    const other = await searchDirectory(database.db, otherActor.orgId, "gr");
    expect(other.ok && other.matches).toEqual([]);
    expect(await searchDirectory(database.db, actor.orgId, " g ")).toMatchObject({ ok: false });
    const byAddress = await searchDirectory(database.db, actor.orgId, "admin@fabrikam.example");
    expect(byAddress.ok && byAddress.matches[0]!.name).toBe("Ada Admin");
  });

  it("puts an exact address before other address prefixes", async () => {
    await createOrganization(database.db, {
      name: "Fabrikam",
      domain: "fabrikam.example",
      people: [
        { email: "al@fabrikam.example", displayName: "Zed Al" },
        { email: "al@fabrikam.example.extra.example", userPrincipalName: "al.b@fabrikam.example", displayName: "Able Al" },
      ],
    });
    const found = await searchDirectory(database.db, actor.orgId, "al@fabrikam.example");
    expect(found.ok && found.matches.map((m) => m.name)).toEqual(["Zed Al", "Able Al"]);
  });
});
