// Settings → Provisioning: who may see it and generate a token, the token shown once (htmx and
// plain form post), stored hashed, replacing the old one; the page's last-used time and log,
// escaped; other organizations' logs never shown; provisioning's events in the activity log.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scimTokens } from "../../src/db/schema.js";
import { sha256Hex } from "../../src/ids.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { tutorialUser } from "../support/scim.js";

let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;
let orgId: string;

beforeAll(async () => {
  t = await createTestApp();
  orgId = (await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example" })).id;
  await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
  admin = await t.signInAs("admin@contoso.example");
  member = await t.signInAs("member@contoso.example");
  otherAdmin = await t.signInAs("admin@fabrikam.example");
});
afterAll(() => t.close());

const tokenRow = async (org = orgId) => (await t.deps.db.select().from(scimTokens).where(eq(scimTokens.orgId, org)))[0];
const scim = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
  t.app.request(`${ORIGIN}/scim/v2${path}`, {
    method: init.method ?? (init.body ? "POST" : "GET"),
    body: init.body ? JSON.stringify(init.body) : undefined,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
  });
const shownToken = (html: string) => /<output id="scim-token"[^>]*>([^<]*)<\/output>/.exec(html)?.[1];

describe("who may use it", () => {
  it("sends signed-out people to sign in; members without the role get 403 and generate nothing", async () => {
    expect((await t.get("/settings/provisioning")).status).toBe(303);
    expect((await t.get("/settings/provisioning", { cookie: member })).status).toBe(403);
    expect((await t.post("/settings/scim/token", {}, { cookie: member })).status).toBe(403);
    expect((await t.post("/settings/scim/token", {}, { cookie: member, htmx: true })).status).toBe(403);
    expect(await tokenRow()).toBeUndefined();
  });

  it("refuses a token request from another site (CSRF) and generates nothing", async () => {
    const res = await t.app.request(`${ORIGIN}/settings/scim/token`, { method: "POST", headers: { Cookie: admin, Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(await tokenRow()).toBeUndefined();
  });
});

describe("generating the token", () => {
  let first: string;

  it("shows the tenant URL and that there is no token yet; Settings links to the page", async () => {
    const html = await (await t.get("/settings/provisioning", { cookie: admin })).text();
    expect(html).toContain(`value="${ORIGIN}/scim/v2"`);
    expect(html).toContain("No token yet");
    expect(html).toContain(">Generate token</button>");
    expect(html).not.toContain('id="scim-token"');
    expect(await (await t.get("/settings", { cookie: admin })).text()).toContain('href="/settings/provisioning"');
  });

  it('htmx: answers the section with the token once in <output id="scim-token">; only its SHA-256 is stored, and it works', async () => {
    const res = await t.post("/settings/scim/token", {}, { cookie: admin, htmx: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html.startsWith('<section id="scim-token-section"')).toBe(true);
    first = shownToken(html)!;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await tokenRow();
    expect(row!.tokenHash).toBe(sha256Hex(first));
    expect(JSON.stringify(row)).not.toContain(first);
    expect((await scim("/Users", first)).status).toBe(200);
    // The page itself never shows it again.
    expect(shownToken(await (await t.get("/settings/provisioning", { cookie: admin })).text())).toBeUndefined();
  });

  it("without JavaScript: 303 back to the page, which shows the new token once; the old token stops working", async () => {
    const res = await t.post("/settings/scim/token", {}, { cookie: admin });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/settings/provisioning");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("scim_token_once="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/settings\/provisioning/);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const once = cookie.split(";")[0]!;
    const page = await t.get("/settings/provisioning", { cookie: `${admin}; ${once}` });
    const second = shownToken(await page.text())!;
    expect(second).toBe(once.split("=")[1]);
    expect(page.headers.getSetCookie().some((c) => c.startsWith("scim_token_once=;"))).toBe(true);
    expect((await scim("/Users", first)).status).toBe(401);
    expect((await scim("/Users", second)).status).toBe(200);
    // Another organization's admin presenting that cookie does not see it.
    const elsewhere = await t.get("/settings/provisioning", { cookie: `${otherAdmin}; ${once}` });
    expect(shownToken(await elsewhere.text())).toBeUndefined();
    first = second;
  });

  it("shows when the token was last used, the provisioning log (escaped), and never another organization's log", async () => {
    const created = await scim("/Users", first, { body: tutorialUser(1) });
    expect(created.status).toBe(201);
    const refused = await scim("/Users", first, { body: { userName: '<script>alert("x")</script>' } });
    expect(refused.status).toBe(400);
    const html = await (await t.get("/settings/provisioning", { cookie: admin })).text();
    expect(html).toMatch(/Last used: <time/);
    expect(html).toContain("Created test.user.1@contoso.example: invitation sent.");
    expect(html).toContain("<code>POST /Users</code>");
    expect(html).not.toContain('<script>alert("x")</script>');
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("1 user provisioned");
    const other = await (await t.get("/settings/provisioning", { cookie: otherAdmin })).text();
    expect(other).not.toContain("test.user.1@contoso.example");
    expect(other).toContain("No token yet");
  });

  it("the activity log names Entra provisioning as who invited, and the admin as who generated the token", async () => {
    const html = await (await t.get("/activity", { cookie: admin })).text();
    expect(html).toContain("<span>Entra provisioning</span>");
    expect(html).toContain("Generated a new provisioning token (the previous one no longer works)");
    const csv = await (await t.get("/activity.csv", { cookie: admin })).text();
    expect(csv).toContain("Entra provisioning");
  });
});
