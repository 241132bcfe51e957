// The Users page's row actions through the real app: resend, archive (confirmation first), invite
// again, archive selected; htmx answers and plain form posts; 403 for non-admins, 404 across orgs.
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEvents, invitations, mailOutbox, members, sessions } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { createLocalTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

const EVIL = `<img src=x onerror="alert(1)">`;
let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;
let ids: Record<"grace" | "gregory" | "evil", string>;

beforeEach(async () => {
  t = await createTestApp();
  const db = t.deps.db;
  const org = await createOrganization(db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Ada Admin", isAdmin: true },
      { email: "member@fabrikam.example", displayName: "Mo Member" },
      { email: "grace@fabrikam.example", displayName: "Grace Hopper" },
      { email: "gregory@fabrikam.example", displayName: "Gregory House" },
      { email: "evil@fabrikam.example", displayName: `Evil ${EVIL}` },
    ],
  });
  await createOrganization(db, { name: "Other", domain: "other.example" });
  const person = (await findPersonByAddress(db, "admin@fabrikam.example", org.id))!;
  const result = await inviteMembers(
    db,
    { personId: person.id, orgId: org.id, name: "Ada Admin" },
    { emails: ["grace@fabrikam.example", "gregory@fabrikam.example", "evil@fabrikam.example"] },
    { publicUrl: ORIGIN },
  );
  const [grace, gregory, evil] = result.outcomes.map((o) => o.memberId!);
  ids = { grace: grace!, gregory: gregory!, evil: evil! };
  // The invitation emails go out (the local transport), as the mail worker would send them.
  await drainMailOnce({ db, transport: createLocalTransport(), config: { mailRequestsPerSecond: 1000, mailMaxAttempts: 3 } });
  admin = await t.signInAs("admin@fabrikam.example");
  member = await t.signInAs("member@fabrikam.example");
  otherAdmin = await t.signInAs("admin@other.example");
});
afterEach(() => t.close());

const statusOf = async (id: string) => (await t.deps.db.select({ s: members.status }).from(members).where(eq(members.id, id)))[0]!.s;
const onUsers = { "HX-Current-URL": `${ORIGIN}/users` };

describe("who may act", () => {
  const actions = (id: string): [string, string][] => [
    ["post", `/users/${id}/resend`],
    ["post", `/users/${id}/archive`],
    ["post", `/users/${id}/reinvite`],
    ["get", `/users/${id}/archive`],
  ];

  it("a non-admin gets 403 for every action and nothing changes", async () => {
    for (const [method, path] of actions(ids.grace)) {
      const res = method === "get" ? await t.get(path, { cookie: member }) : await t.post(path, {}, { cookie: member });
      expect(res.status, path).toBe(403);
    }
    expect((await t.post("/users/archive", { id: ids.grace, confirm: "yes" }, { cookie: member })).status).toBe(403);
    expect(await statusOf(ids.grace)).toBe("invited");
  });

  it("an admin of another organization gets 404 for its member ids and nothing changes", async () => {
    for (const [method, path] of actions(ids.grace)) {
      const res = method === "get" ? await t.get(path, { cookie: otherAdmin }) : await t.post(path, {}, { cookie: otherAdmin, htmx: true });
      expect(res.status, path).toBe(404);
    }
    expect((await t.post("/users/archive", { id: [ids.grace, ids.gregory], confirm: "yes" }, { cookie: otherAdmin })).status).toBe(404);
    expect((await t.post("/users/archive", { id: [ids.grace] }, { cookie: otherAdmin })).status).toBe(404);
    expect(await statusOf(ids.grace)).toBe("invited");
    expect(await statusOf(ids.gregory)).toBe("invited");
    expect((await t.deps.db.select(mailColumns).from(mailOutbox)).length).toBe(3);
  });
});

describe("the Users list", () => {
  it("shows each row's actions and escapes HTML in names", async () => {
    const html = await (await t.get("/users", { cookie: admin })).text();
    expect(html).toContain(`action="/users/${ids.grace}/resend"`);
    expect(html).toContain(`href="/users/${ids.grace}/archive"`);
    expect(html).toContain('id="bulk-archive"');
    expect(html).not.toContain(EVIL);
    expect(html).toContain("Evil &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});

describe("no form inside another", () => {
  it("the row buttons and checkboxes point at forms outside the table; every form closes before the next opens", async () => {
    const html = await (await t.get("/users?status=invited&q=gr", { cookie: admin })).text();
    const table = html.slice(html.indexOf("<table"), html.indexOf("</table>"));
    expect(table).not.toContain("<form");
    expect(table).toContain(`form="user-row-form" formaction="/users/${ids.grace}/resend"`);
    for (const opening of html.split("<form").slice(1)) expect(opening.indexOf("</form>")).toBeLessThan(opening.length);
    const forms = html
      .split("<form")
      .slice(1)
      .map((f) => f.slice(0, f.indexOf("</form>")));
    for (const form of forms) expect(form).not.toContain("<table");
    // Each form carries the list it belongs to.
    expect(html).toMatch(
      /<form method="post" action="\/users\/archive" id="user-table-form"><input type="hidden" name="list" value="status=invited&amp;q=gr"\/><\/form>/,
    );
    expect(html).toContain(`href="/users/${ids.grace}/archive?list=status%3Dinvited%26q%3Dgr"`);
  });
});

describe("without JavaScript, back to the same list", () => {
  // A page after the first (a keyset cursor), a search and a filter.
  const list = async () => {
    const first = await (await t.get("/users?status=invited&q=g", { cookie: admin })).text();
    expect(first).toContain("Grace Hopper");
    return "status=invited&q=g&after=" + Buffer.from(JSON.stringify(["a", "0"])).toString("base64url");
  };

  it("Resend, Archive, Invite again and Archive selected answer 303 to the filter, search and page they came from", async () => {
    const from = await list();
    const back = (done: string) => `/users?${from}&done=${done}`;
    const resend = await t.post(`/users/${ids.grace}/resend`, { list: from }, { cookie: admin });
    expect(resend.headers.get("Location")).toBe(back("resent:1"));
    const archive = await t.post(`/users/${ids.grace}/archive`, { list: from }, { cookie: admin });
    expect(archive.headers.get("Location")).toBe(back("archived:1"));
    const reinvite = await t.post(`/users/${ids.grace}/reinvite`, { list: from }, { cookie: admin });
    expect(reinvite.headers.get("Location")).toBe(back("reinvited:1"));
    const none = await t.post("/users/archive", { list: from }, { cookie: admin });
    expect(none.headers.get("Location")).toBe(back("none:0"));
    const page = await (await t.get(back("archived:1"), { cookie: admin })).text();
    expect(page).toContain("1 user archived.");
  });

  it("the Archive confirmations keep the list: the row's link, its page and Cancel, and Archive selected's page", async () => {
    const from = await list();
    const confirm = await (await t.get(`/users/${ids.gregory}/archive?list=${encodeURIComponent(from)}`, { cookie: admin })).text();
    expect(confirm).toContain(`<input type="hidden" name="list" value="${from.replaceAll("&", "&amp;")}"/>`);
    expect(confirm).toContain(`href="/users?${from.replaceAll("&", "&amp;")}"`);
    const bulk = await t.post("/users/archive", { id: [ids.gregory, ids.evil], list: from }, { cookie: admin });
    const bulkPage = await bulk.text();
    expect(bulkPage).toContain(`<input type="hidden" name="list" value="${from.replaceAll("&", "&amp;")}"/>`);
    const done = await t.post("/users/archive", { id: [ids.gregory, ids.evil], confirm: "yes", list: from }, { cookie: admin });
    expect(done.headers.get("Location")).toBe(`/users?${from}&done=archived:2`);
  });

  it("a refusal page links back to the same list", async () => {
    const from = await list();
    const again = await t.post(`/users/${ids.grace}/reinvite`, { list: from }, { cookie: admin });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(`<a href="/users?${from.replaceAll("&", "&amp;")}">Back to Users</a>`);
  });

  it("a list field that is not a list goes back to the first page of everyone, never elsewhere", async () => {
    for (const list of ["https://evil.example/", "status=deleted&q=" + "x".repeat(300), "after=%00garbage", "//evil.example"]) {
      const res = await t.post(`/users/${ids.grace}/resend`, { list }, { cookie: admin });
      expect(res.headers.get("Location")!, list).toMatch(/^\/users\?(q=x{200}&)?done=(resent|limit):\d$/);
    }
  });
});

describe("Resend invitation", () => {
  it("sends the same email again, in place with htmx, up to the daily limit", async () => {
    const res = await t.post(`/users/${ids.grace}/resend`, {}, { cookie: admin, htmx: true, headers: onUsers });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`^<tr id="member-${ids.grace}"`));
    expect(html).toContain("Invitation sent again to grace@fabrikam.example");
    expect(html).toMatch(/<hx-partial hx-target="#status-filter" hx-swap="outerHTML">[\s\S]*id="status-filter"/);
    await t.post(`/users/${ids.grace}/resend`, {}, { cookie: admin });
    const third = await t.post(`/users/${ids.grace}/resend`, {}, { cookie: admin });
    expect(third.status).toBe(303);
    expect(third.headers.get("Location")).toBe("/users?done=resent:1");
    const limited = await t.post(`/users/${ids.grace}/resend`, {}, { cookie: admin, htmx: true });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain("already sent again 3 times today");
    const plain = await t.post(`/users/${ids.grace}/resend`, {}, { cookie: admin });
    expect(plain.headers.get("Location")).toBe("/users?done=limit:3");
    expect(await (await t.get("/users?done=limit:3", { cookie: admin })).text()).toContain("already sent again 3 times today");
    const mails = (await t.deps.db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.to, "grace@fabrikam.example")).orderBy(mailOutbox.id)).map(
      withEmail,
    );
    expect(mails).toHaveLength(4);
    // The same link every time, in a reminder rendered when resent; a copy still waiting is replaced by the next.
    expect(new Set(mails.map((m) => /\/join\/[\w-]{43}/.exec(m.text)![0])).size).toBe(1);
    expect(mails.map((m) => [m.status, m.subject.startsWith("Reminder: ")])).toEqual([
      ["sent", false],
      ["cancelled", true],
      ["cancelled", true],
      ["queued", true],
    ]);
  });
});

describe("Archive", () => {
  it("asks first: a page (or dialog fragment) saying who, with HTML escaped", async () => {
    const page = await (await t.get(`/users/${ids.evil}/archive`, { cookie: admin })).text();
    expect(page).toContain("<html");
    expect(page).toContain("Archive Evil &lt;img src=x onerror=&quot;alert(1)&quot;&gt;?");
    expect(page).not.toContain(EVIL);
    expect(page).toContain(`action="/users/${ids.evil}/archive"`);
    const fragment = await (await t.get(`/users/${ids.grace}/archive`, { cookie: admin, htmx: true })).text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain("Archive Grace Hopper?");
  });

  it("archives in place with htmx: revokes the invitation, ends sessions, sends the notice, updates the counts", async () => {
    const grace = (await findPersonByAddress(t.deps.db, "grace@fabrikam.example"))!;
    await t.signInAs("grace@fabrikam.example");
    const res = await t.post(`/users/${ids.grace}/archive`, {}, { cookie: admin, htmx: true, headers: onUsers });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(new RegExp(`^<tr id="member-${ids.grace}"[\\s\\S]*badge-archived[\\s\\S]*Invite again`));
    expect(html).toMatch(/Invited <span class="count">2<\/span>[\s\S]*Archived <span class="count">1<\/span>/);
    expect(html).toContain("Grace Hopper archived.");
    expect(await statusOf(ids.grace)).toBe("archived");
    const [inv] = await t.deps.db.select().from(invitations).where(eq(invitations.memberId, ids.grace));
    expect(inv!.revokedAt).not.toBeNull();
    expect(await t.deps.db.select().from(sessions).where(eq(sessions.personId, grace.id))).toHaveLength(0);
    expect(await t.deps.db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.kind, "archive_notice"))).toHaveLength(1);
    expect(await t.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "member.archive"))).toHaveLength(1);
  });

  it("works as a plain form post", async () => {
    const res = await t.post(`/users/${ids.gregory}/archive`, {}, { cookie: admin });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/users?done=archived:1");
    expect(await (await t.get("/users?done=archived:1", { cookie: admin })).text()).toContain("1 user archived.");
  });
});

describe("Invite again", () => {
  it("gives an archived member a new invitation, in place with htmx", async () => {
    await t.post(`/users/${ids.grace}/archive`, {}, { cookie: admin });
    const res = await t.post(`/users/${ids.grace}/reinvite`, {}, { cookie: admin, htmx: true, headers: onUsers });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/badge-invited/);
    expect(html).toContain("Grace Hopper invited again.");
    expect(await statusOf(ids.grace)).toBe("invited");
    const invs = await t.deps.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.memberId, ids.grace)));
    expect(invs).toHaveLength(2);
    const again = await t.post(`/users/${ids.grace}/reinvite`, {}, { cookie: admin, htmx: true });
    expect(again.status).toBe(409);
  });
});

describe("Archive selected", () => {
  it("without JavaScript asks first, saying how many, then archives them", async () => {
    const confirm = await t.post("/users/archive", { id: [ids.grace, ids.evil] }, { cookie: admin });
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain("Archive 2 users?");
    expect(page).not.toContain(EVIL);
    expect(await statusOf(ids.grace)).toBe("invited");
    const done = await t.post("/users/archive", { id: [ids.grace, ids.evil], confirm: "yes" }, { cookie: admin });
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe("/users?done=archived:2");
    expect(await statusOf(ids.grace)).toBe("archived");
    expect(await statusOf(ids.evil)).toBe("archived");
    expect(await statusOf(ids.gregory)).toBe("invited");
  });

  it("with htmx answers a partial per row and the counts", async () => {
    const res = await t.post("/users/archive", { id: [ids.grace, ids.gregory], confirm: "yes" }, { cookie: admin, htmx: true, headers: onUsers });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<hx-partial hx-target="#member-${ids.grace}" hx-swap="outerHTML"><tr id="member-${ids.grace}"`);
    expect(html).toContain(`<hx-partial hx-target="#member-${ids.gregory}" hx-swap="outerHTML">`);
    expect(html).toContain("2 users archived.");
    expect(html).toMatch(/Archived <span class="count">2<\/span>/);
  });

  it("says to select someone first", async () => {
    const res = await t.post("/users/archive", { confirm: "yes" }, { cookie: admin, htmx: true });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("Select the users to archive first.");
  });
});
