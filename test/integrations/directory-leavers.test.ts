// Leavers: a directory sync (the Graph stand-in over HTTP) or a directory import that finds a
// person disabled or gone archives their member, Invited or Active alike: the link then says it
// is no longer valid, the queued invitation email is cancelled, their sessions end, the activity
// log says the directory did it, and no notice email is queued for someone who left.
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, invitations, mailOutbox, members, organizations, sessions } from "../../src/db/schema.js";
import { createSession } from "../../src/auth/session.js";
import { upsertDirectoryPeople } from "../../src/domain/directory.js";
import { importDirectory } from "../../src/domain/directory-import.js";
import { syncDirectory } from "../../src/domain/directory-sync.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { acceptInvitationForIdentity } from "../../src/domain/join.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { newId } from "../../src/ids.js";
import { GraphClient } from "../../src/integrations/graph.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { GRAPH_CLIENT, makeUsers, startGraphStandIn, type GraphStandIn, type StandInUser } from "../support/graph-stand-in.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

const TENANT = "0b7c3c2e-1111-4222-8333-444455556677";
let graph: GraphStandIn;
let t: TestApp;
let users: StandInUser[];

beforeAll(async () => {
  graph = await startGraphStandIn();
});
afterAll(async () => graph.stop());
beforeEach(async () => {
  t = await createTestApp();
  graph.users.clear();
  graph.expireDeltaLinks();
  users = makeUsers(5);
  graph.addUsers(users);
});
afterEach(() => t.close());

const email = (n: number) => users[n]!.mail!;
const tokenOf = async (address: string) => {
  const [mail] = await t.deps.db
    .select(mailColumns)
    .from(mailOutbox)
    .where(and(eq(mailOutbox.to, address), eq(mailOutbox.kind, "invitation")));
  return /\/join\/([A-Za-z0-9_-]{43})/.exec(withEmail(mail!).text)![1]!;
};
const memberOf = async (address: string) => (await t.deps.db.select().from(members).where(eq(members.emailNorm, address)))[0]!;

/** An organization whose directory the stand-in holds: the admin is users[0]; users[1] invited, users[2] active, users[3] invited. */
async function connectedOrganization() {
  const orgId = newId();
  await t.deps.db.write((tx) => tx.insert(organizations).values({ id: orgId, tenantId: TENANT, name: "Fabrikam", domains: ["fabrikam.test"] }));
  const client = new GraphClient({
    baseUrl: graph.baseUrl,
    tokenUrl: graph.tokenUrl.replace("{tenantId}", TENANT),
    clientId: GRAPH_CLIENT.id,
    clientSecret: GRAPH_CLIENT.secret,
  });
  const sync = () => syncDirectory(t.deps.db, { id: orgId }, client, "schedule");
  expect(await sync()).toMatchObject({ status: "succeeded", added: 5 });
  const admin = (await findPersonByAddress(t.deps.db, email(0), orgId))!;
  const actor = { personId: admin.id, orgId, name: "Ada Admin" };
  await inviteMembers(t.deps.db, actor, { emails: [email(1), email(2), email(3)] }, { publicUrl: t.deps.config.publicUrl });
  const active = (await findPersonByAddress(t.deps.db, email(2), orgId))!;
  expect(await acceptInvitationForIdentity(t.deps.db, { personId: active.id, orgId }, await tokenOf(email(2)))).toMatchObject({ ok: true });
  await createSession(t.deps.db, { personId: active.id, orgId, roles: [] }, { maxHours: 1 });
  return { orgId, sync };
}

describe("a directory sync that finds people disabled or gone", () => {
  it("archives their members, Invited and Active alike, revokes the link, cancels the email, ends sessions, and sends no notice", async () => {
    const { sync } = await connectedOrganization();
    const tokens = { disabled: await tokenOf(email(1)), gone: await tokenOf(email(2)) };
    graph.updateUser(users[1]!.id, { accountEnabled: false });
    graph.removeUser(users[2]!.id);
    const result = await sync();
    expect(result).toMatchObject({ status: "succeeded", updated: 1, removed: 1, archived: 2 });

    expect(await memberOf(email(1))).toMatchObject({ status: "archived", archivedBy: null });
    expect(await memberOf(email(2))).toMatchObject({ status: "archived", archivedBy: null });
    expect((await memberOf(email(3))).status).toBe("invited");
    const open = await t.deps.db
      .select()
      .from(invitations)
      .where(eq(invitations.memberId, (await memberOf(email(1))).id));
    expect(open.every((i) => i.revokedAt !== null)).toBe(true);
    // The disabled person's email had not gone out: it never will. Nobody gets an archive notice.
    const [waiting] = await t.deps.db
      .select(mailColumns)
      .from(mailOutbox)
      .where(eq(mailOutbox.to, email(1)));
    expect(waiting).toMatchObject({ status: "cancelled", lastError: expect.stringContaining("left the directory") });
    expect(await t.deps.db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.kind, "archive_notice"))).toEqual([]);
    expect(
      (
        await t.deps.db
          .select(mailColumns)
          .from(mailOutbox)
          .where(eq(mailOutbox.to, email(3)))
      )[0]!.status,
    ).toBe("queued");
    expect(await t.deps.db.select().from(sessions)).toEqual([]);

    for (const token of [tokens.disabled, tokens.gone]) {
      const page = await (await t.get(`/join/${token}`)).text();
      expect(page).toContain("This invitation is no longer valid");
      expect(page).not.toContain("Join");
    }
    const events = await t.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "member.archive"));
    expect(events.map((e) => ({ actorId: e.actorId, subject: e.subject, detail: e.detail })).sort((a, b) => a.subject!.localeCompare(b.subject!))).toEqual([
      { actorId: null, subject: email(1), detail: expect.objectContaining({ by: "directory", reason: "disabled", previousStatus: "invited" }) },
      { actorId: null, subject: email(2), detail: expect.objectContaining({ by: "directory", reason: "left", previousStatus: "active" }) },
    ]);
    const [syncEvent] = await t.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "directory.sync")).orderBy(auditEvents.id).limit(1).offset(1);
    expect(syncEvent!.detail).toMatchObject({ removed: 1, archived: 2 });

    const adminCookie = `session=${(await createSession(t.deps.db, { personId: (await findPersonByAddress(t.deps.db, email(0)))!.id, orgId: (await memberOf(email(1))).orgId, roles: ["admin"] }, { maxHours: 1 })).token}`;
    const activity = await (await t.get("/activity", { cookie: adminCookie })).text();
    expect(activity).toContain("Archived by the directory and the invitation revoked: the account was disabled in the directory");
    expect(activity).toContain("Archived by the directory: the person left the directory");
    expect(activity).toContain("The directory");
  });

  it("an unchanged sync archives no one, and a person already archived by an admin is not archived again", async () => {
    const { sync } = await connectedOrganization();
    expect(await sync()).toMatchObject({ status: "succeeded", updated: 0, archived: 0 });
    graph.updateUser(users[4]!.id, { accountEnabled: false }); // never invited
    expect(await sync()).toMatchObject({ status: "succeeded", updated: 1, archived: 0 });
    expect(await t.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "member.archive"))).toEqual([]);
  });
});

describe("a directory import that finds a person disabled", () => {
  it("archives their member the same way", async () => {
    const org = await createOrganization(t.deps.db, { name: "Northwind", domain: "northwind.example" });
    const admin = (await findPersonByAddress(t.deps.db, "admin@northwind.example", org.id))!;
    await inviteMembers(
      t.deps.db,
      { personId: admin.id, orgId: org.id, name: "Admin" },
      { emails: ["member@northwind.example"] },
      { publicUrl: t.deps.config.publicUrl },
    );
    const token = await tokenOf("member@northwind.example");
    const entry = {
      entraObjectId: null,
      userPrincipalName: "member@northwind.example",
      mail: "member@northwind.example",
      displayName: "Member of Northwind",
      givenName: null,
      surname: null,
      jobTitle: null,
      department: null,
    };
    expect(await t.deps.db.write((tx) => upsertDirectoryPeople(tx, org.id, [{ ...entry, accountEnabled: false }]))).toMatchObject({ updated: 1, archived: 1 });
    expect((await memberOf("member@northwind.example")).status).toBe("archived");
    expect(await (await t.get(`/join/${token}`)).text()).toContain("This invitation is no longer valid");
    expect(await t.deps.db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.kind, "archive_notice"))).toEqual([]);
  });

  it("a full import of a list without people refuses to remove everyone and says why", async () => {
    await createOrganization(t.deps.db, { name: "Northwind", domain: "northwind.example" });
    const outcome = await importDirectory(t.deps.db, { orgName: "Northwind", people: [], entraMode: false, dryRun: false, full: true });
    expect(outcome).toEqual({
      ok: false,
      message: expect.stringContaining("--full with a file that lists nobody would remove everyone from Northwind's directory, so nothing was changed"),
    });
    expect(await findPersonByAddress(t.deps.db, "member@northwind.example")).toMatchObject({ removedAt: null });
  });
});
