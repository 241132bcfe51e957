// Invite User through the real app: the dialog, the type-ahead, POST /invitations.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directoryPeople, invitations, mailOutbox, members } from "../../src/db/schema.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";

const EVIL = `<img src=x onerror="alert(1)">`;
let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;

beforeEach(async () => {
  t = await createTestApp();
  const db = t.deps.db;
  await createOrganization(db, {
    name: "Fabrikam",
    domain: "fabrikam.example",
    people: [
      { email: "admin@fabrikam.example", displayName: "Ada Admin", isAdmin: true },
      { email: "member@fabrikam.example", displayName: "Mo Member" },
      { email: "grace.hopper@fabrikam.example", displayName: "Grace Hopper", givenName: "Grace", surname: "Hopper", jobTitle: "Rear Admiral" },
      { email: "gregory.house@fabrikam.example", displayName: "Gregory House", givenName: "Gregory", surname: "House" },
      { email: "grim.disabled@fabrikam.example", displayName: "Grim Disabled", accountEnabled: false },
      { email: "gritty.gone@fabrikam.example", displayName: "Gritty Gone" },
      { email: "evil@fabrikam.example", displayName: `Evil ${EVIL}`, jobTitle: `<script>alert(2)</script>` },
    ],
  });
  await createOrganization(db, {
    name: "Other",
    domain: "other.example",
    people: [
      { email: "admin@other.example", displayName: "Other Admin", isAdmin: true },
      { email: "greta.other@other.example", displayName: "Greta Other" },
    ],
  });
  await db.write((tx) => tx.update(directoryPeople).set({ removedAt: new Date() }).where(eq(directoryPeople.mailNorm, "gritty.gone@fabrikam.example")));
  admin = await t.signInAs("admin@fabrikam.example");
  member = await t.signInAs("member@fabrikam.example");
  otherAdmin = await t.signInAs("admin@other.example");
});
afterEach(() => t.close());

const search = (q: string, cookie = admin) => t.get(`/directory/search?q=${encodeURIComponent(q)}`, { cookie, htmx: true });

describe("GET /users/invite", () => {
  it("needs a session and the admin role", async () => {
    expect((await t.get("/users/invite")).status).toBe(303);
    expect((await t.get("/users/invite", { cookie: member })).status).toBe(403);
  });

  it("answers the dialog fragment to htmx and a full page otherwise, with an ARIA combobox", async () => {
    const fragment = await (await t.get("/users/invite", { cookie: admin, htmx: true })).text();
    expect(fragment).not.toContain("<html");
    expect(fragment).toContain('id="invite-user"');
    expect(fragment).toMatch(/<input[^>]*role="combobox"[^>]*aria-expanded="false"[^>]*aria-controls="invite-listbox"/);
    expect(fragment).toContain('hx-trigger="input changed delay:200ms"');
    expect(fragment).toMatch(/<form[^>]*action="\/invitations"/);
    const page = await (await t.get("/users/invite", { cookie: admin })).text();
    expect(page).toContain("<html");
    expect(page).toContain('id="invite-user"');
  });

  it("without JavaScript lists matches as checkboxes named email, escaping directory text", async () => {
    const page = await (await t.get("/users/invite?q=gr", { cookie: admin })).text();
    expect(page).toMatch(/<input type="checkbox" name="email" value="grace.hopper@fabrikam.example"/);
    expect(page).toMatch(/<input type="checkbox" name="email" value="grim.disabled@fabrikam.example" disabled/);
    expect(page).not.toContain("gritty.gone");
    const evil = await (await t.get("/users/invite?q=evil", { cookie: admin })).text();
    expect(evil).not.toContain(EVIL);
    expect(evil).not.toContain("<script>alert(2)");
    expect(evil).toContain("Evil &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});

describe("GET /directory/search", () => {
  it("is for admins only", async () => {
    expect((await search("gr", member)).status).toBe(403);
  });

  it("lists matches as options with email, job title and status badges; excludes people who left and other organizations", async () => {
    await t.post("/invitations", { email: "grace.hopper@fabrikam.example" }, { cookie: admin });
    const res = await search("GR");
    expect(res.status).toBe(200);
    const html = await res.text();
    const options = html.match(/<li role="option"[\s\S]*?<\/li>/g) ?? [];
    expect(options).toHaveLength(3);
    expect(options[0]).toContain("Grace Hopper");
    expect(options[0]).toContain("Rear Admiral");
    expect(options[0]).toContain("badge-invited");
    expect(options[0]).toMatch(/aria-disabled="true"/);
    const grim = options.find((o) => o.includes("grim.disabled"))!;
    expect(grim).toContain("Account disabled");
    expect(grim).toMatch(/aria-disabled="true"/);
    const gregory = options.find((o) => o.includes("gregory.house"))!;
    expect(gregory).not.toMatch(/aria-disabled/);
    expect(html).not.toContain("gritty.gone");
    expect(html).not.toContain("greta");
    expect(html).toMatch(/<template hx type="partial"|<hx-partial hx-target="#invite-search-status"/);
    expect(html).toContain("3 matches");
    const other = await (await search("gr", otherAdmin)).text();
    expect(other).toContain("Greta Other");
    expect(other).not.toContain("Grace");
  });

  it("escapes HTML in directory names and job titles", async () => {
    const html = await (await search("evil")).text();
    expect(html).toContain("Evil &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain("<script>alert(2)");
  });

  it("asks for two letters, and sends a browser without htmx to the search page", async () => {
    const short = await (await search("g")).text();
    expect(short).toContain("Type at least 2 letters");
    expect(short).not.toContain('role="option"');
    const plain = await t.get("/directory/search?q=gr", { cookie: admin });
    expect(plain.status).toBe(302);
    expect(plain.headers.get("Location")).toBe("/users/invite?q=gr");
  });

  it("is rate limited per client", async () => {
    const limited = await createTestApp({ env: { DIRECTORY_SEARCH_PER_SECOND: "1" } });
    try {
      await createOrganization(limited.deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
      const cookie = await limited.signInAs("admin@fabrikam.example");
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await limited.get("/directory/search?q=ad", { cookie, htmx: true })).status);
      expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
      expect(statuses).toContain(429);
    } finally {
      limited.close();
    }
  });
});

describe("POST /invitations", () => {
  const count = async () => ({
    members: (await t.deps.db.select().from(members)).length,
    invitations: (await t.deps.db.select().from(invitations)).length,
    mails: (await t.deps.db.select().from(mailOutbox)).length,
  });

  /** A plain form post, then the page its 303 leads to (post/redirect/get), as a browser follows it. */
  async function inviteAndFollow(form: Record<string, string | string[]>, cookie = admin) {
    const posted = await t.post("/invitations", form, { cookie });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("Location")).toBe("/invitations/result");
    const receipt = posted.headers
      .getSetCookie()
      .find((l) => l.startsWith("invite_result="))!
      .split(";")[0]!;
    const shown = await t.get("/invitations/result", { cookie: `${cookie}; ${receipt}` });
    return { shown, receipt };
  }

  it("is for admins only", async () => {
    expect((await t.post("/invitations", { email: "grace.hopper@fabrikam.example" }, { cookie: member })).status).toBe(403);
    expect(await count()).toEqual({ members: 0, invitations: 0, mails: 0 });
  });

  it("invites everyone posted in one request and says who was not invited and why", async () => {
    const { shown: res } = await inviteAndFollow({
      email: [
        "grace.hopper@fabrikam.example",
        "Gregory.House@fabrikam.example",
        "grim.disabled@fabrikam.example",
        "gritty.gone@fabrikam.example",
        "nobody@fabrikam.example",
        "greta.other@other.example",
        `<b>x</b>@fabrikam.example`,
      ],
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("2 people invited");
    expect(html).toMatch(/grim\.disabled@fabrikam\.example<\/strong>: The directory account is disabled/);
    expect(html).toMatch(/gritty\.gone@fabrikam\.example<\/strong>: Left the directory/);
    expect(html).toMatch(/nobody@fabrikam\.example<\/strong>: Not found in your organization/);
    expect(html).toMatch(/greta\.other@other\.example<\/strong>: Not found/);
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;@fabrikam.example");
    expect(html).not.toContain("<b>x</b>");
    expect(await count()).toEqual({ members: 2, invitations: 2, mails: 2 });
  });

  it("inviting someone already invited creates no second invitation or email", async () => {
    await t.post("/invitations", { email: "grace.hopper@fabrikam.example" }, { cookie: admin });
    const again = await (await inviteAndFollow({ email: "GRACE.HOPPER@fabrikam.example" })).shown.text();
    expect(again).toContain("No one was invited");
    expect(again).toContain("Already invited");
    expect(await count()).toEqual({ members: 1, invitations: 1, mails: 1 });
  });

  it("a double-submitted Invite creates one invitation", async () => {
    const form = { email: ["grace.hopper@fabrikam.example", "gregory.house@fabrikam.example"] };
    const [a, b] = await Promise.all([t.post("/invitations", form, { cookie: admin }), t.post("/invitations", form, { cookie: admin })]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await count()).toEqual({ members: 2, invitations: 2, mails: 2 });
  });

  it("a plain form post answers 303 to a page that shows the result: Refresh shows it again and invites no one again", async () => {
    const { shown, receipt } = await inviteAndFollow({ email: ["grace.hopper@fabrikam.example", "nobody@fabrikam.example"] });
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain("1 person invited");
    expect(html).toMatch(/nobody@fabrikam\.example<\/strong>: Not found/);
    const again = await (await t.get("/invitations/result", { cookie: `${admin}; ${receipt}` })).text();
    expect(again).toContain("1 person invited");
    expect(await count()).toEqual({ members: 1, invitations: 1, mails: 1 });
    // The result is its admin's alone; without it, the page goes back to Invite User.
    const otherAdmin = await t.signInAs("admin@other.example");
    const elsewhere = await t.get("/invitations/result", { cookie: `${otherAdmin}; ${receipt}` });
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.headers.get("Location")).toBe("/users/invite");
    expect((await t.get("/invitations/result", { cookie: admin })).headers.get("Location")).toBe("/users/invite");
    const forged = Buffer.from(JSON.stringify({ p: "x", n: 1, o: [["<b>x</b>", 0]], m: 0 })).toString("base64url");
    expect((await t.get("/invitations/result", { cookie: `${admin}; invite_result=${forged}` })).status).toBe(303);
  });

  it("a long request's result lists as many people as fit and counts the rest", async () => {
    const emails = Array.from({ length: 200 }, (_, i) => `someone.with.a.long.address.${i}@fabrikam.example`);
    const { shown, receipt } = await inviteAndFollow({ email: emails });
    expect(receipt.length).toBeLessThan(4000);
    const html = await shown.text();
    expect(html).toContain("No one was invited.");
    const listed = [...html.matchAll(/someone\.with\.a\.long\.address\.\d+@fabrikam\.example<\/strong>/g)].length;
    expect(listed).toBeGreaterThan(20);
    expect(html).toContain(`${200 - listed} more addresses are not listed here`);
  });

  it("refuses an empty list with 422 and the dialog", async () => {
    const res = await t.post("/invitations", { email: ["  "] }, { cookie: admin, htmx: true });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("Add at least one person to invite.");
  });

  it("answers htmx with the result and the refreshed Users list behind the dialog", async () => {
    const res = await t.post(
      "/invitations",
      { email: "grace.hopper@fabrikam.example" },
      { cookie: admin, htmx: true, headers: { "HX-Current-URL": `${ORIGIN}/users?status=invited` } },
    );
    const html = await res.text();
    expect(html).not.toContain("<html");
    expect(html).toContain("1 person invited");
    expect(html).toMatch(/<hx-partial hx-target="#user-results" hx-swap="outerHTML"><section id="user-results"[\s\S]*Grace Hopper/);
    expect(html).toMatch(/<hx-partial hx-target="#status-filter"[\s\S]*Invited <span class="count">1<\/span>/);
  });
});
