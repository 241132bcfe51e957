import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, directoryPeople, mailOutbox, mileageRates } from "../../src/db/schema.js";
import { getRateInForce } from "../../src/domain/rates.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { inviteDirectly } from "../support/join-fixtures.js";
import { mailColumns, withEmail } from "../support/mail-fixtures.js";

let t: TestApp;
let admin: string;
let member: string;
let otherAdmin: string;
let orgId: string;
let otherOrgId: string;
const year = new Date().getUTCFullYear();

beforeAll(async () => {
  t = await createTestApp();
  const org = await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: 3 });
  const other = await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example" });
  orgId = org.id;
  otherOrgId = other.id;
  admin = await t.signInAs("admin@contoso.example");
  member = await t.signInAs("member@contoso.example");
  otherAdmin = await t.signInAs("admin@fabrikam.example");
});
afterAll(() => t.close());

const rateRows = (org: string) => t.deps.db.select().from(mileageRates).where(eq(mileageRates.orgId, org));

describe("GET /settings", () => {
  it("sends signed-out people to sign in and tells members without the role to ask (403)", async () => {
    expect((await t.get("/settings")).status).toBe(303);
    const res = await t.get("/settings", { cookie: member });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("global administrator");
  });

  it("says there is no rate yet, that members cannot change it and that it applies to the year's drives", async () => {
    const res = await t.get("/settings", { cookie: admin });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`No rate is set for ${year} yet`);
    expect(html).toContain("Members cannot change it.");
    expect(html).toContain(`applies to <strong>all drives of ${year}</strong>, including drives already logged`);
    expect(html).toContain('aria-current="page">Settings');
    expect(html).toContain(`name="year" type="text" inputmode="numeric" autocomplete="off" value="${year}"`);
  });

  it("answers 400 for an absurd year in the address", async () => {
    expect((await t.get("/settings?year=99999", { cookie: admin })).status).toBe(400);
    expect((await t.get("/settings?year=abc", { cookie: admin })).status).toBe(400);
  });
});

describe("POST /settings/rate", () => {
  it("refuses members without the role (403) and writes nothing", async () => {
    const res = await t.post("/settings/rate", { rate: "0.9" }, { cookie: member });
    expect(res.status).toBe(403);
    expect(await rateRows(orgId)).toHaveLength(0);
  });

  it("refuses a post from another site (CSRF)", async () => {
    const res = await t.app.request(`${ORIGIN}/settings/rate`, {
      method: "POST",
      body: new URLSearchParams({ rate: "0.9" }),
      headers: { Cookie: admin, Origin: "https://evil.example" },
    });
    expect(res.status).toBe(403);
    expect(await rateRows(orgId)).toHaveLength(0);
  });

  const table: [string, string, string][] = [
    ["", "", "Enter the rate in dollars per mile"],
    ["0", "", "The rate must be more than $0 per mile."],
    ["-0.5", "", "The rate must be more than $0 per mile."],
    ["5.01", "", "The rate cannot be more than $5 per mile."],
    ["0.7255", "", "Use at most three decimal places"],
    ["seventy cents", "", "Enter the rate as a number of dollars per mile"],
    ["0,725", "", "Use a point for the decimals"],
    ["0.725", "1850", `Enter a year from 2000 to ${year + 1}.`],
    ["0.725", "next year", `Enter a year from 2000 to ${year + 1}.`],
  ];

  it.each(table)("plain form post of rate %j, year %j: 422 full page with the message beside the field and the input kept", async (rate, y, message) => {
    const res = await t.post("/settings/rate", { rate, year: y }, { cookie: admin });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain("<!doctype html>");
    expect(html).toContain(message);
    const field = y && rate === "0.725" ? "rate-year" : "rate";
    expect(html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="${field}-error`));
    expect(html).toContain(`<small id="${field}-error" class="field-error">`);
    expect(html).toContain(`name="rate" type="text" inputmode="decimal" autocomplete="off" value="${rate}"`);
    if (y) expect(html).toContain(`value="${y}"`);
    expect(await rateRows(orgId)).toHaveLength(0);
  });

  it("htmx: a refused rate answers just the form (422), retargeted at the form, with the input kept", async () => {
    const res = await t.post("/settings/rate", { rate: " 9.5 ", year: "" }, { cookie: admin, htmx: true });
    expect(res.status).toBe(422);
    expect(res.headers.get("HX-Retarget")).toBe("#rate-form");
    expect(res.headers.get("HX-Reswap")).toBe("outerHTML");
    const html = await res.text();
    expect(html.startsWith('<form id="rate-form"')).toBe(true);
    expect(html).toContain('value=" 9.5 "');
    expect(html).toContain("The rate cannot be more than $5 per mile.");
    expect(html).toContain("autofocus");
  });

  it("keeps typed markup as text, never as HTML", async () => {
    const res = await t.post("/settings/rate", { rate: '"><script>alert(1)</script>' }, { cookie: admin, htmx: true });
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("a plain form post saves, redirects to /settings and the page shows the rate and the history", async () => {
    const res = await t.post("/settings/rate", { rate: "$0.67" }, { cookie: admin });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/settings?year=${year}&saved=1`);
    expect(await getRateInForce(t.deps.db, orgId)).toBe(670);
    const html = await (await t.get(res.headers.get("location")!, { cookie: admin })).text();
    expect(html).toContain(`Saved. The ${year} rate is now $0.67 per mile.`);
    expect(html).toContain(`Rate in force for ${year}: <strong>$0.67</strong> per mile`);
    expect(html).toContain("Set to <strong>$0.67</strong>");
    expect(html).toContain("Admin of Contoso");
  });

  it("htmx: a change answers the updated section, with old and new in the history and an audit event", async () => {
    const res = await t.post("/settings/rate", { rate: "0.725", year: String(year) }, { cookie: admin, htmx: true });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<section id="rate-settings"')).toBe(true);
    expect(html).toContain(`Rate in force for ${year}: <strong>$0.725</strong> per mile`);
    expect(html).toContain("$0.67 → <strong>$0.725</strong>");
    expect(html).toContain('name="rate" type="text" inputmode="decimal" autocomplete="off" value=""');
    const rows = await rateRows(orgId);
    expect(rows.map((r) => [r.rateMilli, r.previousRateMilli])).toContainEqual([725, 670]);
    const [event] = await t.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, orgId), eq(auditEvents.action, "rate.change")))
      .orderBy(auditEvents.id)
      .limit(1)
      .offset(1);
    expect(event!.detail).toEqual({ year, oldRateMilli: 670, newRateMilli: 725 });
  });

  it("sets next year's rate without touching this year's", async () => {
    expect((await t.post("/settings/rate", { rate: "0.8", year: String(year + 1) }, { cookie: admin })).status).toBe(303);
    expect(await getRateInForce(t.deps.db, orgId, year + 1)).toBe(800);
    expect(await getRateInForce(t.deps.db, orgId, year)).toBe(725);
    const html = await (await t.get(`/settings?year=${year + 1}`, { cookie: admin })).text();
    expect(html).toContain(`Rate in force for ${year + 1}: <strong>$0.80</strong>`);
  });

  it("an admin of another organization sees none of it and changes only their own rate", async () => {
    const html = await (await t.get("/settings", { cookie: otherAdmin })).text();
    expect(html).toContain(`No rate is set for ${year} yet`);
    expect(html).not.toContain("$0.725");
    expect(html).not.toContain("Admin of Contoso");
    expect((await t.post("/settings/rate", { rate: "0.5" }, { cookie: otherAdmin })).status).toBe(303);
    expect(await getRateInForce(t.deps.db, otherOrgId)).toBe(500);
    expect(await getRateInForce(t.deps.db, orgId)).toBe(725);
  });

  it("escapes HTML in the names shown in the history", async () => {
    await t.deps.db.write(async (tx) =>
      tx
        .update(directoryPeople)
        .set({ displayName: "<img src=x onerror=alert(1)>" })
        .where(eq(directoryPeople.id, (await findPersonByAddress(t.deps.db, "admin@fabrikam.example"))!.id)),
    );
    const html = await (await t.get("/settings", { cookie: otherAdmin })).text();
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("the rate in invitation emails", () => {
  it("the next invitation email after a change carries the new rate", async () => {
    expect((await t.post("/settings/rate", { rate: "0.815" }, { cookie: admin })).status).toBe(303);
    const inviter = (await findPersonByAddress(t.deps.db, "admin@contoso.example"))!;
    const actor = { personId: inviter.id, orgId, name: inviter.displayName };
    await inviteMembers(t.deps.db, actor, { emails: ["person1@contoso.example"] }, { publicUrl: ORIGIN });
    expect((await t.post("/settings/rate", { rate: "0.9" }, { cookie: admin })).status).toBe(303);
    await inviteMembers(t.deps.db, actor, { emails: ["person2@contoso.example"] }, { publicUrl: ORIGIN });
    const mails = (await t.deps.db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.orgId, orgId)).orderBy(mailOutbox.createdAt)).map(withEmail);
    const first = mails.find((m) => m.to === "person1@contoso.example")!;
    const second = mails.find((m) => m.to === "person2@contoso.example")!;
    expect(first.text).toContain("0.815");
    expect(first.html).toContain("0.815");
    expect(second.text).toMatch(/\$0\.90?0? per mile/);
    expect(second.text).not.toContain("0.815");
  });
});

describe("the rate on the join and welcome pages", () => {
  it("shows the rate in force when the page is opened, so a change reaches open invitations too", async () => {
    const { token } = await inviteDirectly(t.deps.db, orgId, "person3@contoso.example", { invitedByEmail: "admin@contoso.example" });
    expect((await t.post("/settings/rate", { rate: "0.655" }, { cookie: admin })).status).toBe(303);
    expect(await (await t.get(`/join/${token}`)).text()).toContain("<strong>$0.655</strong> per mile");
    const invitee = await t.signInAs("person3@contoso.example");
    expect((await t.post(`/join/${token}`, {}, { cookie: invitee })).status).toBe(303);
    expect((await t.post("/settings/rate", { rate: "0.675" }, { cookie: admin })).status).toBe(303);
    const welcome = await (await t.get(`/join/${token}`, { cookie: invitee })).text();
    expect(welcome).toContain("Welcome");
    expect(welcome).toContain("<strong>$0.675</strong> per mile");
  });
});
