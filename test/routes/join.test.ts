// GET/POST /join/:token through the real app: the link is bound to the invited person, refused
// links change nothing, the token stays out of logs and Referer headers, and /join is rate-limited.
import { Writable } from "node:stream";
import { and, eq } from "drizzle-orm";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { auditEvents, directoryPeople, invitations, mailOutbox, members, mileageRates, organizations } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { newId, newToken } from "../../src/ids.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { archiveDirectly, inviteDirectly } from "../support/join-fixtures.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

let t: TestApp;
let orgId: string;
const INVITEE = "person1@fabrikam.example";

async function setUp(env?: Record<string, string>) {
  t = await createTestApp({ env });
  orgId = (await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example", extra: 2 })).id;
  await createOrganization(t.deps.db, { name: "Northwind", domain: "northwind.example" });
  await t.deps.db.write((tx) => tx.insert(mileageRates).values({ id: newId(), orgId, year: new Date().getUTCFullYear(), rateMilli: 725 }));
}
beforeEach(() => setUp());
afterEach(() => t.close());

const invite = () => inviteDirectly(t.deps.db, orgId, INVITEE, { invitedByEmail: "admin@fabrikam.example" });

/** The member, its accepted invitations and its member.join events: what a refused request must leave alone. */
async function snapshot(memberId: string) {
  const [member] = await t.deps.db.select({ status: members.status, activatedAt: members.activatedAt }).from(members).where(eq(members.id, memberId));
  const accepted = (await t.deps.db.select().from(invitations).where(eq(invitations.memberId, memberId))).filter((i) => i.acceptedAt).length;
  const joins = (
    await t.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.memberId, memberId), eq(auditEvents.action, "member.join")))
  ).length;
  return { ...member, accepted, joins };
}
const untouched = { status: "invited", activatedAt: null, accepted: 0, joins: 0 };

describe("the landing page", () => {
  it("names the organization, the inviter and the rate, with one Get started button to sign in and come back", async () => {
    const { token } = await invite();
    const response = await t.get(`/join/${token}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain("Join Fabrikam on MileIQ");
    expect(html).toContain("<strong>Admin of Fabrikam</strong> invited you");
    expect(html).toContain("$0.725");
    const next = encodeURIComponent(`/join/${token}`);
    expect(html).toContain(`href="/login?next=${next}&amp;login_hint=${encodeURIComponent(INVITEE)}"`);
    expect(html).toContain(">Get started</a>");
    expect(html).not.toContain('method="post"'); // no Join until signed in
  });

  it("in Entra mode, Get started goes to Sign in with Microsoft with the invited address as login_hint", async () => {
    t.close();
    await setUp({
      ENTRA_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      ENTRA_CLIENT_SECRET: "s",
      ENTRA_TENANT_ID: "organizations",
      ENTRA_AUTHORITY: "http://127.0.0.1:9",
    });
    const { token } = await invite();
    const html = await (await t.get(`/join/${token}`)).text();
    expect(html).toContain(`href="/login/entra?next=${encodeURIComponent(`/join/${token}`)}&amp;login_hint=${encodeURIComponent(INVITEE)}"`);
  });

  it("prefills the local sign-in form from login_hint, escaped", async () => {
    const html = await (await t.get(`/login?next=%2Fjoin%2Fx&login_hint=${encodeURIComponent('pat"><script>x</script>@fabrikam.example')}`)).text();
    expect(html).toContain('value="pat&quot;&gt;&lt;script&gt;x&lt;/script&gt;@fabrikam.example"');
    expect(html).not.toContain("<script>x</script>");
  });

  it("escapes HTML in the organization and inviter names", async () => {
    await t.deps.db.write((tx) => tx.update(organizations).set({ name: "<script>alert(1)</script> Corp" }).where(eq(organizations.id, orgId)));
    await t.deps.db.write((tx) =>
      tx
        .update(directoryPeople)
        .set({ displayName: "<img src=x onerror=alert(2)>" })
        .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.mailNorm, "admin@fabrikam.example"))),
    );
    const { token } = await invite();
    const html = await (await t.get(`/join/${token}`)).text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Corp");
    expect(html).toContain("&lt;img src=x onerror=alert(2)&gt;");
  });
});

describe("joining", () => {
  it("the invitee signs in, sees Join, joins, gets the welcome page, and the admin sees them Active", async () => {
    const { token, memberId } = await invite();
    const cookie = await t.signInAs(INVITEE); // a member without the admin role
    const landing = await (await t.get(`/join/${token}`, { cookie })).text();
    expect(landing).toContain(`action="/join/${token}"`);
    expect(landing).toContain(">Join</button>");
    expect(landing).not.toContain("Get started");

    const joined = await t.post(`/join/${token}`, {}, { cookie });
    expect(joined.status).toBe(303);
    expect(joined.headers.get("Location")).toBe(`/join/${token}`);
    expect(joined.headers.get("Referrer-Policy")).toBe("no-referrer");
    const welcome = await t.get(`/join/${token}`, { cookie });
    expect(welcome.status).toBe(200);
    const html = await welcome.text();
    expect(html).toContain("Welcome to MileIQ, Person 1");
    expect(html).toContain("active member of <strong>Fabrikam</strong>");
    expect(html).toContain("$0.725");
    expect(html).toContain("Install the MileIQ app");
    expect(html).toContain("open the web dashboard");
    expect(await snapshot(memberId)).toMatchObject({ status: "active", accepted: 1, joins: 1 });

    const admin = await t.signInAs("admin@fabrikam.example");
    const users = await (await t.get("/users?status=active", { cookie: admin })).text();
    expect(users).toContain("Person 1");
  });

  it("a double submit is harmless: the second one just shows the welcome page", async () => {
    const { token, memberId } = await invite();
    const cookie = await t.signInAs(INVITEE);
    const [a, b] = await Promise.all([t.post(`/join/${token}`, {}, { cookie }), t.post(`/join/${token}`, {}, { cookie })]);
    const c = await t.post(`/join/${token}`, {}, { cookie });
    expect([a.status, b.status, c.status]).toEqual([303, 303, 303]);
    expect(await snapshot(memberId)).toMatchObject({ status: "active", accepted: 1, joins: 1 });
  });

  it("works when the browser sends Origin: null (no-referrer pages) with Sec-Fetch-Site: same-origin, and not without it", async () => {
    const { token, memberId } = await invite();
    const cookie = await t.signInAs(INVITEE);
    const refused = await t.post(`/join/${token}`, {}, { cookie, headers: { Origin: "null" } });
    expect(refused.status).toBe(403);
    expect(await snapshot(memberId)).toEqual(untouched);
    const cross = await t.post(`/join/${token}`, {}, { cookie, headers: { Origin: "http://evil.example", "Sec-Fetch-Site": "cross-site" } });
    expect(cross.status).toBe(403);
    const ok = await t.post(`/join/${token}`, {}, { cookie, headers: { Origin: "null", "Sec-Fetch-Site": "same-origin" } });
    expect(ok.status).toBe(303);
    expect(await snapshot(memberId)).toMatchObject({ status: "active", joins: 1 });
  });

  it("a signed-out POST changes nothing and goes back to the landing page", async () => {
    const { token, memberId } = await invite();
    const response = await t.post(`/join/${token}`, {});
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/join/${token}`);
    expect(await snapshot(memberId)).toEqual(untouched);
  });

  it("works for an invitation made by inviteMembers (the Invite User feature)", async () => {
    const admin = await findPersonByAddress(t.deps.db, "admin@fabrikam.example");
    await inviteMembers(t.deps.db, { personId: admin!.id, orgId, name: "Admin of Fabrikam" }, { emails: [INVITEE] }, { publicUrl: ORIGIN });
    const mails = (await t.deps.db.select(mailColumns).from(mailOutbox)).map((m) => withEmail(m).text);
    const link = mails.join("\n").match(/http:\/\/localhost:3000\/join\/([A-Za-z0-9_-]{43})/);
    expect(link).not.toBeNull();
    const token = link![1]!;
    const cookie = await t.signInAs(INVITEE);
    expect((await t.post(`/join/${token}`, {}, { cookie })).status).toBe(303);
    expect(await (await t.get(`/join/${token}`, { cookie })).text()).toContain("Welcome to MileIQ");
  });
});

describe("refused links change nothing", () => {
  it("a forwarded link opened by another person (same organization) is refused", async () => {
    const { token, memberId } = await invite();
    const cookie = await t.signInAs("person2@fabrikam.example");
    const page = await t.get(`/join/${token}`, { cookie });
    expect(page.status).toBe(403);
    const html = await page.text();
    expect(html).toContain("This invitation was sent to someone else");
    expect(html).toContain(`action="/join/${token}/switch"`);
    expect(html).not.toContain(INVITEE);
    const post = await t.post(`/join/${token}`, {}, { cookie });
    expect(post.status).toBe(403);
    expect(await post.text()).toContain("This invitation was sent to someone else");
    expect(await snapshot(memberId)).toEqual(untouched);
  });

  it("a forwarded link opened by someone signed in to another organization is refused", async () => {
    const { token, memberId } = await invite();
    const cookie = await t.signInAs("admin@northwind.example");
    expect((await t.get(`/join/${token}`, { cookie })).status).toBe(403);
    expect((await t.post(`/join/${token}`, {}, { cookie })).status).toBe(403);
    expect(await snapshot(memberId)).toEqual(untouched);
  });

  it("sign out and switch ends the session and goes to sign-in, coming back to the invitation", async () => {
    const { token } = await invite();
    const cookie = await t.signInAs("person2@fabrikam.example");
    const response = await t.post(`/join/${token}/switch`, {}, { cookie });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe(`/login?next=${encodeURIComponent(`/join/${token}`)}&login_hint=${encodeURIComponent(INVITEE)}`);
    expect(response.headers.getSetCookie().some((c) => /^session=;/.test(c))).toBe(true);
    // The old session is gone: the landing page now offers Get started.
    expect(await (await t.get(`/join/${token}`, { cookie })).text()).toContain("Get started");
  });

  it("an archived member's link is refused, even for the invitee", async () => {
    const { token, memberId } = await invite();
    await archiveDirectly(t.deps.db, memberId);
    const page = await t.get(`/join/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("This invitation has been withdrawn");
    const cookie = await t.signInAs(INVITEE);
    const post = await t.post(`/join/${token}`, {}, { cookie });
    expect(post.status).toBe(410);
    expect(await snapshot(memberId)).toEqual({ ...untouched, status: "archived" });
  });

  it("re-inviting makes the old link useless; the new one works", async () => {
    const first = await invite();
    const second = await invite();
    const cookie = await t.signInAs(INVITEE);
    const old = await t.get(`/join/${first.token}`, { cookie });
    expect(old.status).toBe(410);
    expect(await old.text()).toContain("This invitation link has been replaced");
    expect((await t.post(`/join/${first.token}`, {}, { cookie })).status).toBe(410);
    expect(await snapshot(first.memberId)).toEqual(untouched);
    expect((await t.post(`/join/${second.token}`, {}, { cookie })).status).toBe(303);
    expect(await snapshot(first.memberId)).toMatchObject({ status: "active", joins: 1 });
  });

  it("an accepted link reused: signed out it says so and points to sign-in; another person cannot use it", async () => {
    const { token, memberId } = await invite();
    await t.post(`/join/${token}`, {}, { cookie: await t.signInAs(INVITEE) });
    const signedOut = await t.get(`/join/${token}`);
    expect(signedOut.status).toBe(200);
    const html = await signedOut.text();
    expect(html).toContain("This invitation has already been accepted");
    expect(html).toContain('href="/login"');
    const other = await t.signInAs("person2@fabrikam.example");
    expect(await (await t.get(`/join/${token}`, { cookie: other })).text()).toContain("already been accepted");
    expect((await t.post(`/join/${token}`, {}, { cookie: other })).status).toBe(409);
    expect(await snapshot(memberId)).toMatchObject({ status: "active", accepted: 1, joins: 1 });
  });

  it("garbage and unknown tokens all get the same 'not valid' page", async () => {
    const unknown = await t.get(`/join/${newToken()}`);
    expect(unknown.status).toBe(404);
    const reference = await unknown.text();
    expect(reference).toContain("This invitation link is not valid");
    for (const garbage of [
      "x",
      "a".repeat(42),
      "a".repeat(44),
      `${"a".repeat(42)}.`,
      encodeURIComponent("<script>alert(1)</script>"),
      "%00",
      "a".repeat(5000),
    ]) {
      const response = await t.get(`/join/${garbage}`);
      expect(response.status, garbage).toBe(404);
      expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(await response.text()).toBe(reference);
      expect((await t.post(`/join/${garbage}`, {}, { cookie: await t.signInAs(INVITEE) })).status).toBe(404);
    }
  });
});

describe("token hygiene", () => {
  it("rate-limits /join per client with a clear 429 page", async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 40; i++) {
      last = await t.get(`/join/${newToken()}`);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 404)).toBe(true);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(last!.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(await last!.text()).toContain("Too many requests");
    // Other pages are not limited by /join's bucket.
    expect((await t.get("/login")).status).toBe(200);
  });

  it("never writes the token to the logs", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = createApp({ ...t.deps, logger: pino({ level: "debug" }, sink) });
    const { token } = await invite();
    const cookie = await t.signInAs(INVITEE);
    const other = await t.signInAs("person2@fabrikam.example");
    const send = (path: string, init: RequestInit = {}) =>
      app.request(ORIGIN + path, { ...init, headers: { Origin: ORIGIN, ...(init.headers as Record<string, string>) } });
    await send(`/join/${token}`);
    await send(`/login?next=${encodeURIComponent(`/join/${token}`)}`);
    await send(`/join/${token}`, { headers: { Cookie: other } });
    await send(`/join/${token}`, { method: "POST", headers: { Cookie: other } });
    await send(`/join/${token}`, { method: "POST", headers: { Cookie: cookie } });
    await send(`/join/${token}`, { headers: { Cookie: cookie } });
    await send(`/join/${token}/switch`, { method: "POST", headers: { Cookie: other } });
    await send(`/join/${token}x`);
    const log = lines.join("");
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(log).toContain('"path":"/join/:token"');
    expect(log).toContain("member joined");
    expect(log).not.toContain(token);
  });
});
