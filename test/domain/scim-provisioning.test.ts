// Provisioning's rules that the HTTP conformance suite does not show: the log stays bounded per
// organization; a synced directory value survives a SCIM mapping that lacks it; a conflicting
// request writes nothing; an inactive user archives the member an admin invited, active again
// invites them again.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, directoryGroups, directoryPeople, members, scimRequests, scimUsers } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { KEPT_SCIM_REQUESTS, listScimRequests } from "../../src/domain/scim-log.js";
import { createScimUser, patchScimUser, type ScimRequestContext } from "../../src/domain/scim-provisioning.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { actorFor } from "../support/security-fixtures.js";

let t: TestApp;
let ctx: ScimRequestContext;
let otherCtx: ScimRequestContext;
const OID_A = "11111111-1111-4111-8111-111111111111";

beforeAll(async () => {
  t = await createTestApp();
  const org = await createOrganization(t.deps.db, {
    name: "Contoso",
    domain: "contoso.example",
    people: [
      { email: "admin@contoso.example", isAdmin: true },
      { email: "synced@contoso.example", displayName: "Synced Person", jobTitle: "Dispatcher", department: "Ops" },
      { email: "holder@contoso.example", entraObjectId: OID_A },
      { email: "other@contoso.example" },
      { email: "invited@contoso.example" },
    ],
  });
  const other = await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
  ctx = { orgId: org.id, publicUrl: "http://localhost:3000", method: "POST", path: "/Users" };
  otherCtx = { ...ctx, orgId: other.id };
});
afterAll(() => t.close());

const personOf = async (mail: string) => (await findPersonByAddress(t.deps.db, mail))!;

describe("provisioning rules", () => {
  it("keeps a synced job title when the SCIM user has none; a later PATCH of title changes it, removing it clears it", async () => {
    const created = await createScimUser(t.deps.db, ctx, { userName: "synced@contoso.example", name: { givenName: "Syn" } });
    expect(created.ok).toBe(true);
    expect(await personOf("synced@contoso.example")).toMatchObject({
      jobTitle: "Dispatcher",
      department: "Ops",
      givenName: "Syn",
      displayName: "Synced Person",
    });
    const id = created.ok ? created.user!.id : "";
    await patchScimUser(t.deps.db, { ...ctx, method: "PATCH" }, id, { Operations: [{ op: "add", path: "title", value: "Driver" }] });
    expect((await personOf("synced@contoso.example")).jobTitle).toBe("Driver");
    await patchScimUser(t.deps.db, { ...ctx, method: "PATCH" }, id, { Operations: [{ op: "remove", path: "title" }] });
    expect((await personOf("synced@contoso.example")).jobTitle).toBeNull();
  });

  it("a provisioned person's department is a group in the type-ahead, like a synced one's", async () => {
    const created = await createScimUser(t.deps.db, ctx, {
      userName: "fleet.driver@contoso.example",
      name: { givenName: "Fleet" },
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Fleet Ops" },
    });
    expect(created.ok).toBe(true);
    expect((await personOf("fleet.driver@contoso.example")).departmentNorm).toBe("fleet ops");
    const groups = await t.deps.db
      .select()
      .from(directoryGroups)
      .where(and(eq(directoryGroups.orgId, ctx.orgId), eq(directoryGroups.nameNorm, "fleet ops")));
    expect(groups.map((g) => [g.kind, g.name])).toEqual([["department", "Fleet Ops"]]);
  });

  it("refuses (409) an object id that belongs to one person with the address of another, and writes nothing", async () => {
    const before = await t.deps.db.select().from(directoryPeople).where(eq(directoryPeople.orgId, ctx.orgId));
    const result = await createScimUser(t.deps.db, ctx, { userName: "other@contoso.example", externalId: OID_A, title: "Changed" });
    expect(result).toMatchObject({ ok: false, problem: { status: 409, scimType: "uniqueness" } });
    expect(await t.deps.db.select().from(directoryPeople).where(eq(directoryPeople.orgId, ctx.orgId))).toEqual(before);
    expect(await t.deps.db.select().from(scimUsers).where(eq(scimUsers.userNameNorm, "other@contoso.example"))).toEqual([]);
  });

  it("is one transaction: when the invitation step fails, the user, the new person, the member and the log line are not written either", async () => {
    const count = async () =>
      Promise.all([scimUsers, directoryPeople, members, auditEvents, scimRequests].map(async (table) => (await t.deps.db.select().from(table)).length));
    const before = await count();
    expect(await findPersonByAddress(t.deps.db, "new.driver@contoso.example")).toBeUndefined();
    // The outbox refuses every email, as a full disk or a broken statement would at that step.
    await t.deps.db.write((tx) => tx.run(sql`CREATE TRIGGER refuse_mail BEFORE INSERT ON mail_outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`));
    try {
      await expect(createScimUser(t.deps.db, ctx, { userName: "new.driver@contoso.example", name: { givenName: "New" } })).rejects.toThrow(
        /INSERT INTO mail_outbox/,
      );
    } finally {
      await t.deps.db.write((tx) => tx.run(sql`DROP TRIGGER refuse_mail`));
    }
    expect(await count()).toEqual(before);
    expect(await findPersonByAddress(t.deps.db, "new.driver@contoso.example")).toBeUndefined();
  });

  it("lets waiting requests in between provisioning writes: ten at once never run back to back ahead of a page", async () => {
    const order: string[] = [];
    const writes = Array.from({ length: 10 }, (_, i) =>
      createScimUser(t.deps.db, ctx, { userName: `queued.${i}@contoso.example`, active: false }).then((r) => order.push(r.ok ? "write" : "refused")),
    );
    // A page request that arrives while they wait for the write lock.
    const page = new Promise<void>((resolve) =>
      setImmediate(() => {
        order.push("page");
        resolve();
      }),
    );
    await Promise.all([...writes, page]);
    expect(order.filter((o) => o === "write")).toHaveLength(10);
    expect(order.indexOf("page"), order.join(" ")).toBeLessThan(9);
  });

  it("a user created inactive archives the member an admin invited; active again invites them again", async () => {
    await inviteMembers(t.deps.db, await actorFor(t.deps.db, "admin@contoso.example"), { emails: ["invited@contoso.example"] }, { publicUrl: ctx.publicUrl });
    const created = await createScimUser(t.deps.db, ctx, { userName: "invited@contoso.example", active: false });
    const member = async () => (await t.deps.db.select().from(members).where(eq(members.emailNorm, "invited@contoso.example")))[0]!;
    expect((await member()).status).toBe("archived");
    const id = created.ok ? created.user!.id : "";
    await patchScimUser(t.deps.db, { ...ctx, method: "PATCH" }, id, { Operations: [{ op: "Replace", path: "active", value: "True" }] });
    expect((await member()).status).toBe("invited");
  });

  it(`keeps the last ${KEPT_SCIM_REQUESTS} requests of each organization in the log, newest first, and leaves other organizations' alone`, async () => {
    await createScimUser(t.deps.db, otherCtx, { userName: "x@fabrikam.example" });
    for (let i = 0; i < KEPT_SCIM_REQUESTS + 5; i++) await createScimUser(t.deps.db, ctx, { userName: `nobody-${i}` });
    const rows = await t.deps.db.select().from(scimRequests).where(eq(scimRequests.orgId, ctx.orgId));
    expect(rows).toHaveLength(KEPT_SCIM_REQUESTS);
    const shown = await listScimRequests(t.deps.db, ctx.orgId, 3);
    expect(shown.map((r) => r.outcome)).toEqual([54, 53, 52].map((i) => expect.stringContaining(`"nobody-${i}"`)));
    expect(await t.deps.db.select().from(scimRequests).where(eq(scimRequests.orgId, otherCtx.orgId))).toHaveLength(1);
  });
});
