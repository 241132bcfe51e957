// The request/response pairs of Microsoft's "Develop and plan provisioning for a SCIM endpoint"
// tutorial (User operations), Entra's known PATCH forms, and RFC 7644's discovery endpoints,
// through real HTTP; and what each one does to the directory, the members, the outbox and the
// activity log.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, directoryPeople, mailOutbox, members, scimUsers } from "../../src/db/schema.js";
import { createLocalTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { startScimServer, SCIM_TYPE, tutorialUser, type ScimServer } from "../support/scim.js";
import { withEmail } from "../support/mail-fixtures.js";
import { outboxContextSql } from "../../src/domain/outbox.js";

let s: ScimServer;
beforeAll(async () => {
  s = await startScimServer();
});
afterAll(() => s.stop());

const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const json = async (r: Response) => (await r.json()) as Record<string, any>;
const person = async (mail: string) => (await s.deps.db.select().from(directoryPeople).where(eq(directoryPeople.mailNorm, mail)))[0];
const memberOf = async (mail: string) => (await s.deps.db.select().from(members).where(eq(members.emailNorm, mail)))[0];
const mailsTo = async (to: string) =>
  (
    await s.deps.db
      .select({ kind: mailOutbox.kind, template: mailOutbox.template, params: mailOutbox.params, context: outboxContextSql, status: mailOutbox.status })
      .from(mailOutbox)
      .where(eq(mailOutbox.to, to))
      .orderBy(mailOutbox.createdAt)
  ).map(({ template, params, context, ...m }) => {
    const { subject, text } = withEmail({ template, params, context });
    return { ...m, subject, text };
  });
/** The mail worker's one pass (workers are off in these servers): the queued emails go out through the local transport. */
const sendQueuedMail = () => drainMailOnce({ db: s.deps.db, transport: createLocalTransport(), config: { mailRequestsPerSecond: 1000, mailMaxAttempts: 3 } });
const auditsOf = async (memberId: string) =>
  s.deps.db
    .select({ action: auditEvents.action, actorId: auditEvents.actorId, actorLabel: auditEvents.actorLabel })
    .from(auditEvents)
    .where(eq(auditEvents.memberId, memberId));
const patch = (id: string, Operations: unknown[]) => s.scim(`/Users/${id}`, { method: "PATCH", body: { schemas: [PATCH], Operations } });

async function create(n: number | string, overrides: Record<string, unknown> = {}) {
  const res = await s.scim("/Users", { body: tutorialUser(n, overrides) });
  expect(res.status).toBe(201);
  return json(res);
}

function expectError(body: Record<string, any>, status: number, scimType?: string) {
  expect(body.schemas).toEqual([ERROR]);
  expect(body.status).toBe(String(status));
  if (scimType) expect(body.scimType).toBe(scimType);
  expect(typeof body.detail).toBe("string");
}

describe("Create User (POST /Users)", () => {
  it("answers 201 with the resource, its id, meta and Location, as application/scim+json", async () => {
    const res = await s.scim("/Users", { body: tutorialUser(1) });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain(SCIM_TYPE);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await json(res);
    expect(body.schemas).toContain("urn:ietf:params:scim:schemas:core:2.0:User");
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toMatchObject({
      userName: "Test_User_1",
      externalId: "0a21f0f2-8d2a-4f8e-bf98-000000000001",
      active: true,
      emails: [{ primary: true, type: "work", value: "test.user.1@contoso.example" }],
      name: { formatted: "Given1 Family1", familyName: "Family1", givenName: "Given1" },
      meta: { resourceType: "User", location: `${s.url}/scim/v2/Users/${body.id}` },
    });
    expect(new Date(body.meta.created).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(res.headers.get("location")).toBe(`${s.url}/scim/v2/Users/${body.id}`);
  });

  it("makes a directory person (object id from externalId) and invites them as Entra provisioning", async () => {
    const p = await person("test.user.1@contoso.example");
    expect(p).toMatchObject({
      entraObjectId: "0a21f0f2-8d2a-4f8e-bf98-000000000001",
      displayName: "Given1 Family1",
      givenName: "Given1",
      surname: "Family1",
      accountEnabled: true,
    });
    const m = await memberOf("test.user.1@contoso.example");
    expect(m).toMatchObject({ status: "invited", personId: p!.id, invitedBy: null });
    const [invitation] = await mailsTo("test.user.1@contoso.example");
    expect(invitation).toMatchObject({ kind: "invitation", subject: "You have been invited to MileIQ for Contoso" });
    // No person invited them: the email names nobody (never "Entra provisioning invited you").
    expect(invitation!.text).toContain("You have been invited to track your business mileage with MileIQ for Contoso.");
    expect(invitation!.text).not.toContain("Entra provisioning");
    expect(await auditsOf(m!.id)).toEqual([{ action: "member.invite", actorId: null, actorLabel: "Entra provisioning" }]);
  });

  it("answers 409 uniqueness for a userName that exists (in any case), and invites nobody twice", async () => {
    const res = await s.scim("/Users", { body: tutorialUser(1, { userName: "TEST_USER_1" }) });
    expect(res.status).toBe(409);
    expectError(await json(res), 409, "uniqueness");
    expect(await mailsTo("test.user.1@contoso.example")).toHaveLength(1);
  });

  it("accepts application/json too, and matches a person already in the directory by address", async () => {
    const res = await s.scim("/Users", {
      body: { userName: "driver.new@contoso.example", name: { givenName: "Dee" } },
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(201);
    // No work email: the userName is the address (user principal name), and the invitation goes there.
    const created = (await s.deps.db.select().from(directoryPeople).where(eq(directoryPeople.upnNorm, "driver.new@contoso.example")))[0];
    expect(created).toMatchObject({ mail: null, givenName: "Dee", displayName: "Dee" });
    expect((await memberOf("driver.new@contoso.example"))?.status).toBe("invited");
    // member@contoso.example is in the directory already (the directory import): matched, not duplicated.
    const known = await s.scim("/Users", { body: { userName: "Member@Contoso.example", displayName: "Member From Entra" } });
    expect(known.status).toBe(201);
    const same = await s.deps.db.select().from(directoryPeople).where(eq(directoryPeople.upnNorm, "member@contoso.example"));
    expect(same).toHaveLength(1);
    expect(same[0]!.displayName).toBe("Member From Entra");
  });

  it("refuses a user without a usable address (400) and creates nothing", async () => {
    const res = await s.scim("/Users", { body: { userName: "no-address", emails: [{ type: "work", value: "not an address" }] } });
    expect(res.status).toBe(400);
    const body = await json(res);
    expectError(body, 400, "invalidValue");
    expect(body.detail).toContain("no email address");
    expect(await s.deps.db.select().from(scimUsers).where(eq(scimUsers.userNameNorm, "no-address"))).toEqual([]);
    expect(await s.deps.db.select().from(directoryPeople).where(eq(directoryPeople.displayName, "no-address"))).toEqual([]);
  });
});

describe("Get User, Get User by query (GET /Users)", () => {
  it("GET /Users/:id answers the resource; an unknown id a SCIM 404", async () => {
    const created = await create(2);
    const res = await s.scim(`/Users/${created.id}`);
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(created);
    const missing = await s.scim("/Users/5171a35d82074e068ce2");
    expect(missing.status).toBe(404);
    expectError(await json(missing), 404);
  });

  it('filter=userName eq "…" answers a ListResponse with the one user (case-insensitive), externalId eq too', async () => {
    const res = await s.scim(`/Users?filter=${encodeURIComponent('userName eq "test_user_2"')}`);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ schemas: [LIST], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(body.Resources[0].userName).toBe("Test_User_2");
    const byExternal = await json(await s.scim(`/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-000000000002"')}`));
    expect(byExternal.Resources.map((r: any) => r.id)).toEqual([body.Resources[0].id]);
    const byEmail = await json(await s.scim(`/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "Test.User.2@contoso.example"')}`));
    expect(byEmail.totalResults).toBe(1);
  });

  it("a filter that matches nobody answers totalResults 0 and no Resources", async () => {
    const body = await json(await s.scim(`/Users?filter=${encodeURIComponent('userName eq "non-existent user"')}`));
    expect(body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it("pages with startIndex and count", async () => {
    await create("page1");
    await create("page2");
    const all = await json(await s.scim("/Users"));
    expect(all.totalResults).toBeGreaterThanOrEqual(4);
    const page = await json(await s.scim("/Users?startIndex=2&count=2"));
    expect(page).toMatchObject({ totalResults: all.totalResults, startIndex: 2, itemsPerPage: 2 });
    expect(page.Resources.map((r: any) => r.id)).toEqual(all.Resources.slice(1, 3).map((r: any) => r.id));
    expect((await json(await s.scim("/Users?count=0"))).Resources).toEqual([]);
    expect((await json(await s.scim("/Users?startIndex=0&count=1"))).startIndex).toBe(1);
  });

  it("answers a malformed or unsupported filter with 400 invalidFilter", async () => {
    for (const filter of ["userName eq", 'userName co "x"', "(((", 'displayName eq "x"', "x".repeat(2000)]) {
      const res = await s.scim(`/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.status, filter).toBe(400);
      expectError(await json(res), 400, "invalidFilter");
    }
    expect((await s.scim("/Users?startIndex=abc")).status).toBe(400);
  });
});

describe("Update User (PATCH /Users/:id) as Entra sends it", () => {
  it('multi-valued properties: Replace emails[type eq "work"].value and name.familyName', async () => {
    const created = await create(3);
    const res = await patch(created.id, [
      { op: "Replace", path: 'emails[type eq "work"].value', value: "updated.3@contoso.example" },
      { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
    ]);
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.emails).toEqual([{ primary: true, type: "work", value: "updated.3@contoso.example" }]);
    expect(body.name.familyName).toBe("updatedFamilyName");
    const p = await person("updated.3@contoso.example");
    expect(p).toMatchObject({ surname: "updatedFamilyName", entraObjectId: "0a21f0f2-8d2a-4f8e-bf98-000000000003" });
  });

  it("single-valued properties: Replace userName; job title and department (enterprise path) update the person", async () => {
    const created = await create(4);
    const res = await patch(created.id, [
      { op: "Replace", path: "userName", value: "5b50642d-79fc-4410-9e90-4c077cdd1a59@contoso.example" },
      { op: "Add", path: "title", value: "Driver" },
      { op: "add", path: `${ENTERPRISE}:department`, value: "Logistics" },
    ]);
    expect(res.status).toBe(200);
    expect((await json(res)).userName).toBe("5b50642d-79fc-4410-9e90-4c077cdd1a59@contoso.example");
    expect(await person("test.user.4@contoso.example")).toMatchObject({ jobTitle: "Driver", department: "Logistics" });
  });

  it("path-less replace with an object (keys may be paths), op in any case", async () => {
    const created = await create(5);
    const res = await patch(created.id, [
      { op: "REPLACE", value: { displayName: "Five <b>Bold</b>", "name.givenName": "Cinq", [ENTERPRISE]: { department: "Sales" } } },
    ]);
    expect(res.status).toBe(200);
    expect(await person("test.user.5@contoso.example")).toMatchObject({ displayName: "Five <b>Bold</b>", givenName: "Cinq", department: "Sales" });
  });

  it('disable: "value": "False" archives the member with the notice email (naming nobody); repeating it changes nothing', async () => {
    const created = await create(6);
    await sendQueuedMail();
    const m = await memberOf("test.user.6@contoso.example");
    const res = await patch(created.id, [{ op: "Replace", path: "active", value: "False" }]);
    expect(res.status).toBe(200);
    expect((await json(res)).active).toBe(false);
    expect((await memberOf("test.user.6@contoso.example"))!.status).toBe("archived");
    const mails = await mailsTo("test.user.6@contoso.example");
    expect(mails.map((x) => [x.kind, x.status])).toEqual([
      ["invitation", "sent"],
      ["archive_notice", "queued"],
    ]);
    expect(mails[1]!.text).toContain("Your invitation to track mileage with MileIQ for Contoso was withdrawn.");
    expect(mails[1]!.text).toContain("If you think this is a mistake, ask your administrator to invite you again.");
    expect(mails[1]!.text).not.toContain("Entra provisioning");
    const again = await patch(created.id, [{ op: "Replace", path: "active", value: "False" }]);
    expect(again.status).toBe(200);
    expect((await mailsTo("test.user.6@contoso.example")).map((x) => x.kind)).toEqual(["invitation", "archive_notice"]);
    expect(await auditsOf(m!.id)).toEqual([
      { action: "member.invite", actorId: null, actorLabel: "Entra provisioning" },
      { action: "member.archive", actorId: null, actorLabel: "Entra provisioning" },
    ]);
    // Active again (path-less, string "True"): invited again, once.
    await patch(created.id, [{ op: "Replace", value: { active: "True" } }]);
    await patch(created.id, [{ op: "replace", path: "active", value: true }]);
    expect((await memberOf("test.user.6@contoso.example"))!.status).toBe("invited");
    expect((await auditsOf(m!.id)).map((a) => a.action)).toEqual(["member.invite", "member.archive", "member.reinvite"]);
  });

  it("refuses what cannot be applied with a SCIM 400, and a PATCH that removes the only address", async () => {
    const created = await create(7);
    const cases: [unknown, string][] = [
      [{ schemas: [PATCH], Operations: [] }, "invalidSyntax"],
      [{ schemas: [PATCH], Operations: [{ op: "move", path: "userName", value: "x" }] }, "invalidSyntax"],
      [{ schemas: [PATCH], Operations: [{ op: "remove" }] }, "noTarget"],
      [{ schemas: [PATCH], Operations: [{ op: "replace", path: "__proto__.polluted", value: 1 }] }, "invalidPath"],
      [{ schemas: [PATCH], Operations: [{ op: "remove", path: 'emails[type eq "work"]' }] }, "invalidValue"],
      [{ schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: "maybe" }] }, "invalidValue"],
    ];
    for (const [body, scimType] of cases) {
      const res = await s.scim(`/Users/${created.id}`, { method: "PATCH", body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expectError(await json(res), 400, scimType);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await json(await s.scim(`/Users/${created.id}`))).emails).toHaveLength(1);
  });
});

describe("Replace (PUT) and Delete User", () => {
  it("PUT replaces the resource; a userName held by another user is a 409", async () => {
    const created = await create(8);
    const res = await s.scim(`/Users/${created.id}`, { method: "PUT", body: tutorialUser(8, { displayName: "Eight", title: "Manager" }) });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ displayName: "Eight", title: "Manager" });
    const taken = await s.scim(`/Users/${created.id}`, { method: "PUT", body: tutorialUser(8, { userName: "Test_User_7" }) });
    expect(taken.status).toBe(409);
    expectError(await json(taken), 409, "uniqueness");
  });

  it("DELETE answers 204, archives the member, and the user is then not found; a repeated DELETE is a 404 that changes nothing", async () => {
    // Deleted before the invitation email went out: the email is withdrawn and no notice follows (they never heard of it).
    const created = await create(9);
    const res = await s.scim(`/Users/${created.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await memberOf("test.user.9@contoso.example"))!.status).toBe("archived");
    expect((await s.scim(`/Users/${created.id}`)).status).toBe(404);
    const again = await s.scim(`/Users/${created.id}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect((await mailsTo("test.user.9@contoso.example")).map((x) => [x.kind, x.status])).toEqual([["invitation", "cancelled"]]);
  });
});

describe("Discovery (RFC 7644 §4)", () => {
  it("GET /ServiceProviderConfig says patch and filter are supported, bulk, sort and etag not, and the bearer scheme", async () => {
    const body = await json(await s.scim("/ServiceProviderConfig"));
    expect(body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true },
      sort: { supported: false },
      etag: { supported: false },
      changePassword: { supported: false },
    });
    expect(body.authenticationSchemes[0].type).toBe("oauthbearertoken");
  });

  it("GET /Schemas and /ResourceTypes list the User schema, the enterprise extension and the User type", async () => {
    const schemas = await json(await s.scim("/Schemas"));
    expect(schemas.schemas).toEqual([LIST]);
    expect(schemas.Resources.map((r: any) => r.id)).toEqual(["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE]);
    expect(schemas.Resources[0].attributes.find((a: any) => a.name === "userName")).toMatchObject({ required: true, uniqueness: "server" });
    const types = await json(await s.scim("/ResourceTypes"));
    expect(types.Resources[0]).toMatchObject({ id: "User", endpoint: "/Users", schema: "urn:ietf:params:scim:schemas:core:2.0:User" });
    expect((await s.scim(`/Schemas/${ENTERPRISE}`)).status).toBe(200);
    expect((await s.scim("/Groups")).status).toBe(404);
  });
});

describe("Errors", () => {
  it("401 with WWW-Authenticate for a missing, malformed or wrong token", async () => {
    for (const token of [null, "nope", "A".repeat(43)]) {
      const res = await s.scim("/Users", { token });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expectError(await json(res), 401);
    }
  });

  it("400 invalidSyntax for malformed JSON, 415 for a form body", async () => {
    const res = await s.scim("/Users", { body: '{"userName": "x",' });
    expect(res.status).toBe(400);
    expectError(await json(res), 400, "invalidSyntax");
    const form = await s.scim("/Users", { body: "userName=x", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(form.status).toBe(415);
  });

  it("413 for a body over 1 MB, counted while it streams (no Content-Length)", async () => {
    const big = JSON.stringify(tutorialUser(10, { displayName: "x".repeat(1_100_000) }));
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < big.length; i += 64 * 1024) controller.enqueue(new TextEncoder().encode(big.slice(i, i + 64 * 1024)));
        controller.close();
      },
    });
    const res = await fetch(`${s.url}/scim/v2/Users`, {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: { Authorization: `Bearer ${s.orgs.a.token}`, "Content-Type": SCIM_TYPE },
    } as RequestInit);
    expect(res.status).toBe(413);
    expectError(await json(res), 413);
    const declared = await s.scim("/Users", { body: big });
    expect(declared.status).toBe(413);
    expect(
      await s.deps.db
        .select()
        .from(scimUsers)
        .where(and(eq(scimUsers.userNameNorm, "test_user_10"))),
    ).toEqual([]);
  });
});
