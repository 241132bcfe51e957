// Sessions end when they should (sign-out, archiving, a disabled account, expiry), a cookie from
// before sign-in is never the one after it (local and Entra sign-in), and the cookies carry the
// right attributes: HttpOnly, SameSite=Lax, Secure and the __Host- prefix when PUBLIC_URL is https.
// (test/routes/users.test.ts checks the local sign-in cookie and sign-out; this goes further.)
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryPeople, mailOutbox, members, sessions } from "../../src/db/schema.js";
import { acceptInvitationForIdentity } from "../../src/domain/join.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { newToken, sha256Hex } from "../../src/ids.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { startOidcStandIn, type OidcStandIn } from "../support/oidc-stand-in.js";
import { actorFor } from "../support/security-fixtures.js";
import { withEmail } from "../support/mail-fixtures.js";
import { outboxContextSql } from "../../src/domain/outbox.js";

const sessionCount = async (t: TestApp, personEmail: string) => {
  const actor = await actorFor(t.deps.db, personEmail);
  return (await t.deps.db.select().from(sessions).where(eq(sessions.personId, actor.personId))).length;
};
/** Signed in: /login sends a signed-in person on (303) and shows anyone else the sign-in page. */
const signedIn = async (t: TestApp, cookie: string) => (await t.get("/login", { cookie })).status === 303;

/** The last Set-Cookie line for the session cookie (either name): the one a browser ends up with. */
const sessionLine = (r: Response) =>
  r.headers
    .getSetCookie()
    .filter((l) => /^(__Host-)?session=/.test(l))
    .at(-1);

describe("sessions end", () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    await createOrganization(t.deps.db, { name: "Org A", domain: "a.example", extra: 5 });
    admin = await t.signInAs("admin@a.example");
  });
  afterAll(() => t.close());

  it("at sign-out: the row is deleted, the cookie cleared, and the old token is refused even if replayed", async () => {
    const cookie = await t.signInAs("person1@a.example");
    const other = await t.signInAs("person1@a.example"); // the same person on another device
    const out = await t.post("/logout", {}, { cookie, htmx: true });
    expect(out.status).toBe(204);
    expect(out.headers.get("HX-Redirect")).toBe("/login");
    expect(sessionLine(out)).toMatch(/^session=;.*Max-Age=0/i);
    const token = cookie.split("=")[1]!;
    expect(
      await t.deps.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, sha256Hex(token))),
    ).toHaveLength(0);
    expect(await signedIn(t, cookie)).toBe(false);
    expect(await signedIn(t, other)).toBe(true); // sign-out ends this session, not the other device's
  });

  it("when an admin archives the person (one row): every session of theirs, on every device", async () => {
    const { outcomes } = await inviteMembers(
      t.deps.db,
      await actorFor(t.deps.db, "admin@a.example"),
      { emails: ["person2@a.example"] },
      { publicUrl: t.deps.config.publicUrl },
    );
    const laptop = await t.signInAs("person2@a.example");
    const phone = await t.signInAs("person2@a.example");
    expect(await signedIn(t, laptop)).toBe(true);
    const res = await t.post(`/users/${outcomes[0]!.memberId}/archive`, {}, { cookie: admin });
    expect(res.status).toBe(303);
    expect(await signedIn(t, laptop)).toBe(false);
    expect(await signedIn(t, phone)).toBe(false);
    expect(await sessionCount(t, "person2@a.example")).toBe(0);
    expect(await signedIn(t, admin)).toBe(true);
  });

  it("when an admin archives an Active member among selected rows", async () => {
    const adminActor = await actorFor(t.deps.db, "admin@a.example");
    const { outcomes } = await inviteMembers(t.deps.db, adminActor, { emails: ["person3@a.example"] }, { publicUrl: t.deps.config.publicUrl });
    const [mail] = await t.deps.db.select().from(members).where(eq(members.id, outcomes[0]!.memberId!));
    expect(mail!.status).toBe("invited");
    const person3 = await actorFor(t.deps.db, "person3@a.example");
    const [email] = (
      await t.deps.db
        .select({ template: mailOutbox.template, params: mailOutbox.params, context: outboxContextSql })
        .from(mailOutbox)
        .where(eq(mailOutbox.to, "person3@a.example"))
    ).map(withEmail);
    const token = /\/join\/([\w-]{43})/.exec(email!.text)![1]!;
    expect((await acceptInvitationForIdentity(t.deps.db, { personId: person3.personId, orgId: person3.orgId }, token)).ok).toBe(true);
    const cookie = await t.signInAs("person3@a.example");
    const res = await t.post("/users/archive", { id: [outcomes[0]!.memberId!], confirm: "yes" }, { cookie: admin });
    expect(res.status).toBe(303);
    expect(await signedIn(t, cookie)).toBe(false);
  });

  it("when the directory account is disabled, and when the session has expired", async () => {
    const cookie = await t.signInAs("person4@a.example");
    const person = await actorFor(t.deps.db, "person4@a.example");
    await t.deps.db.write((tx) => tx.update(directoryPeople).set({ accountEnabled: false }).where(eq(directoryPeople.id, person.personId)));
    expect(await signedIn(t, cookie)).toBe(false);
    expect(await sessionCount(t, "person4@a.example")).toBe(0);

    const expiring = await t.signInAs("person5@a.example");
    await t.deps.db.write((tx) =>
      tx
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.id, sha256Hex(expiring.split("=")[1]!))),
    );
    const res = await t.get("/users", { cookie: expiring });
    expect(res.status).toBe(303);
    expect(sessionLine(res)).toMatch(/Max-Age=0/i); // the dead cookie is cleared
  });
});

describe("sessions live SESSION_MAX_HOURS from sign-in, never longer", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { SESSION_MAX_HOURS: "2" } });
    await createOrganization(t.deps.db, { name: "Org A", domain: "a.example" });
  });
  afterAll(() => t.close());

  const tokenOf = (cookie: string) => sha256Hex(cookie.split("=")[1]!);

  it("sign-in issues a cookie and a session that end SESSION_MAX_HOURS later", async () => {
    const res = await t.post("/login/local", { email: "admin@a.example" });
    const line = sessionLine(res)!;
    const expires = Date.parse(/Expires=([^;]+)/i.exec(line)![1]!);
    expect(Math.abs(expires - (Date.now() + 2 * 3_600_000))).toBeLessThan(60_000);
    const [row] = await t.deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, tokenOf(line.split(";")[0]!)));
    expect(Math.abs(row!.expiresAt.getTime() - expires)).toBeLessThan(1_000);
  });

  it("using a session never extends it", async () => {
    const cookie = await t.signInAs("admin@a.example");
    const nearEnd = new Date(Date.now() + 60_000);
    await t.deps.db.write((tx) =>
      tx
        .update(sessions)
        .set({ expiresAt: nearEnd })
        .where(eq(sessions.id, tokenOf(cookie))),
    );
    const res = await t.get("/users", { cookie });
    expect(res.status).toBe(200);
    expect(sessionLine(res)).toBeUndefined();
    const [row] = await t.deps.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, tokenOf(cookie)));
    expect(row!.expiresAt.getTime()).toBe(nearEnd.getTime());
  });

  it("a session older than SESSION_MAX_HOURS ends, even one issued with a longer expiry", async () => {
    const cookie = await t.signInAs("admin@a.example");
    await t.deps.db.write((tx) =>
      tx
        .update(sessions)
        .set({ createdAt: new Date(Date.now() - 3 * 3_600_000), expiresAt: new Date(Date.now() + 20 * 86_400_000) })
        .where(eq(sessions.id, tokenOf(cookie))),
    );
    const res = await t.get("/users", { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fusers");
    expect(sessionLine(res)).toMatch(/Max-Age=0/i);
  });
});

describe("no session fixation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createOrganization(t.deps.db, { name: "Org A", domain: "a.example" });
  });
  afterAll(() => t.close());

  it("a cookie planted before local sign-in is replaced, and never becomes a session", async () => {
    const planted = newToken();
    const res = await t.post("/login/local", { email: "admin@a.example" }, { cookie: `session=${planted}` });
    expect(res.status).toBe(303);
    const issued = sessionLine(res)!.split(";")[0]!.split("=")[1]!;
    expect(issued).not.toBe(planted);
    expect(await signedIn(t, `session=${planted}`)).toBe(false);
    expect(await signedIn(t, `session=${issued}`)).toBe(true);
  });

  it("a real session from before sign-in (someone else's) ends at sign-in", async () => {
    const before = await t.signInAs("member@a.example");
    const res = await t.post("/login/local", { email: "admin@a.example" }, { cookie: before });
    expect(sessionLine(res)!.split(";")[0]).not.toBe(before);
    expect(await signedIn(t, before)).toBe(false);
  });
});

describe("Sign in with Microsoft, PUBLIC_URL https", () => {
  const PUBLIC = "https://admin.example";
  let idp: OidcStandIn;
  let t: TestApp;
  beforeAll(async () => {
    idp = await startOidcStandIn();
    t = await createTestApp({
      env: {
        PUBLIC_URL: PUBLIC,
        ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
        ENTRA_CLIENT_SECRET: "s3cret",
        ENTRA_TENANT_ID: idp.tenantId,
        ENTRA_AUTHORITY: idp.authority,
      },
    });
  });
  afterAll(async () => {
    t?.close();
    await idp?.stop();
  });

  const request = (path: string, cookie?: string, init: RequestInit = {}) =>
    t.app.request(`${PUBLIC}${path}`, { ...init, headers: { ...(cookie ? { Cookie: cookie } : {}), ...(init.headers as Record<string, string>) } });
  const pairs = (r: Response) =>
    r.headers
      .getSetCookie()
      .filter((l) => !/max-age=0/i.test(l))
      .map((l) => l.split(";")[0])
      .join("; ");

  /** The whole round trip; `cookie` is whatever the browser held before. */
  async function signIn(cookie?: string) {
    const start = await request("/login/entra?next=/users", cookie);
    expect(start.status).toBe(302);
    for (const line of start.headers.getSetCookie()) {
      expect(line).toMatch(/; Secure/);
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
    }
    const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
    const callback = new URL(authorize.headers.get("location")!);
    expect(callback.origin).toBe(PUBLIC);
    const flowCookies = [pairs(start), cookie].filter(Boolean).join("; ");
    return request(callback.pathname + callback.search, flowCookies);
  }

  it("issues a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain", async () => {
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "ada@contoso.test", name: "Ada", roles: ["BusinessAdministrator"] };
    const res = await signIn();
    expect(res.status).toBe(303);
    const line = sessionLine(res)!;
    expect(line).toMatch(/^__Host-session=[\w-]{43};/);
    for (const part of ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"]) expect(line.split("; ")).toContain(part);
    expect(line).not.toMatch(/Domain=/i);
    const cookie = line.split(";")[0]!;
    expect((await request("/users", cookie)).status).toBe(200);
    // The same token under the plain name (settable over http or by a sibling domain) is not a session.
    expect((await request("/users", cookie.replace(/^__Host-/, ""))).status).toBe(303);
  });

  it("ends the session that came in and issues a new token (no fixation)", async () => {
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "bo@contoso.test", name: "Bo", roles: ["BusinessAdministrator"] };
    const first = sessionLine(await signIn())!.split(";")[0]!;
    expect((await request("/users", first)).status).toBe(200);
    idp.user = { ...idp.user, oid: randomUUID(), preferred_username: "cy@contoso.test", name: "Cy" };
    const second = await signIn(first);
    const issued = sessionLine(second)!.split(";")[0]!;
    expect(issued).not.toBe(first);
    expect((await request("/users", first)).status).toBe(303);
    expect((await request("/users", issued)).status).toBe(200);
  });

  it("reads the role afresh after SESSION_MAX_HOURS: a role removed in Entra ends admin access then", async () => {
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "ed@contoso.test", name: "Ed", roles: ["BusinessAdministrator"] };
    const cookie = sessionLine(await signIn())!.split(";")[0]!;
    expect((await request("/users", cookie)).status).toBe(200);
    idp.user = { ...idp.user, roles: [] }; // the global admin removes the role in Entra
    const hours = t.deps.config.sessionMaxHours;
    await t.deps.db.write((tx) =>
      tx
        .update(sessions)
        .set({ createdAt: new Date(Date.now() - (hours + 1) * 3_600_000) })
        .where(eq(sessions.id, sha256Hex(cookie.split("=")[1]!))),
    );
    expect((await request("/users", cookie)).status).toBe(303); // signs in again ...
    const again = sessionLine(await signIn())!.split(";")[0]!;
    expect((await request("/users", again)).status).toBe(403); // ... and is no longer an admin
  });

  it("clears the __Host- cookie at sign-out with the attributes a browser needs to accept the deletion", async () => {
    idp.user = { tid: idp.tenantId, oid: randomUUID(), preferred_username: "di@contoso.test", name: "Di", roles: ["BusinessAdministrator"] };
    const cookie = sessionLine(await signIn())!.split(";")[0]!;
    const out = await request("/logout", cookie, { method: "POST", headers: { Origin: PUBLIC } });
    expect(out.status).toBe(303);
    const line = sessionLine(out)!;
    expect(line).toMatch(/^__Host-session=;/);
    expect(line).toMatch(/Max-Age=0/i);
    expect(line.split("; ")).toEqual(expect.arrayContaining(["Secure", "Path=/"]));
    expect((await request("/users", cookie)).status).toBe(303);
  });
});
