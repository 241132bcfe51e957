// The mail progress of Send Invite through the real app and a real database: the import's emails
// are sent by the mail worker's own drain (the real `resend` SDK against the Resend stand-in), so
// the counts move batch by batch; delivery events come in through the signed webhook.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainImports } from "../../src/jobs/import-worker.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { createMailTransport } from "../../src/integrations/mail.js";
import { findPersonByAddress } from "../../src/domain/people.js";
import { createOrganization, createTestApp, ORIGIN, type TestApp } from "../support/app.js";
import { newWebhookSecret, signWebhook, startResendStandIn, type ResendStandIn } from "../support/resend-stand-in.js";
import { readSql } from "../support/db.js";

let t: TestApp;
let standIn: ResendStandIn;
let admin: string;
let otherAdmin: string;
const secret = newWebhookSecret();
const PEOPLE = 150;
const hostileFile = `team <b>march.csv`;
const hostileReason = `550 5.1.1 <img src=x onerror=alert(1)> "no such user" & gone`;

beforeEach(async () => {
  standIn = await startResendStandIn();
  t = await createTestApp({
    env: { RESEND_API_KEY: standIn.apiKey, RESEND_BASE_URL: standIn.url, RESEND_WEBHOOK_SECRET: secret, MAIL_REQUESTS_PER_SECOND: "2" },
  });
  await createOrganization(t.deps.db, { name: "Contoso", domain: "contoso.example", extra: PEOPLE });
  await createOrganization(t.deps.db, { name: "Fabrikam", domain: "fabrikam.example", extra: 2 });
  admin = await t.signInAs("admin@contoso.example");
  otherAdmin = await t.signInAs("admin@fabrikam.example");
});
afterEach(async () => {
  t.close();
  await standIn.close();
});

const drainImportJobs = () => drainImports({ db: t.deps.db, publicUrl: t.deps.config.publicUrl, chunkSize: 200, sendChunkSize: 200 });
const sendMailBatch = () =>
  drainMailOnce({ db: t.deps.db, transport: createMailTransport(t.deps.config), config: { mailRequestsPerSecond: 100, mailMaxAttempts: 8 } });

/** Uploads PEOPLE people, checks them, presses Send Invite and lets the send invite them: the import's id. */
async function sendInvites(): Promise<string> {
  const form = new FormData();
  const csv = ["email", ...Array.from({ length: PEOPLE }, (_, i) => `person${i + 1}@contoso.example`)].join("\r\n");
  form.append("file", new File([csv], hostileFile, { type: "text/csv" }));
  const uploaded = await t.post("/imports", form, { cookie: admin });
  const id = uploaded.headers.get("Location")!.split("/").pop()!;
  await drainImportJobs();
  expect((await t.post(`/imports/${id}/send`, {}, { cookie: admin })).status).toBe(303);
  await drainImportJobs();
  return id;
}

async function poll(id: string, query = "") {
  const response = await t.get(`/imports/${id}/mail${query}`, { cookie: admin, htmx: true });
  expect(response.status).toBe(200);
  return response.text();
}

const sentence = (html: string) => /<p id="mail-progress-text"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/<a [^>]*>[\s\S]*?<\/a>: /, "") ?? null;

async function deliveryEvent(type: string, to: string, extra: Record<string, unknown> = {}) {
  const emailId = standIn.deliveries.find((d) => d.to === to)!.id;
  const body = JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: emailId, to: [to], subject: "Invitation", created_at: new Date().toISOString(), ...extra },
  });
  const response = await t.app.request(`${ORIGIN}/webhooks/resend`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/json", ...signWebhook(secret, body) },
  });
  expect(response.status).toBe(200);
}

describe("mail progress after Send Invite", () => {
  it("counts the emails as the mail worker sends them, batch by batch, and stops polling when none are left", async () => {
    const id = await sendInvites();
    let html = await poll(id);
    expect(sentence(html)).toBe(`Emails: 0 of ${PEOPLE} sent · less than a minute left`);
    expect(html).toContain(`hx-get="/imports/${id}/mail"`);
    expect(html).toContain(`hx-trigger="every 2s"`);

    expect((await sendMailBatch()).sent).toBe(100);
    html = await poll(id);
    expect(sentence(html)).toBe(`Emails: 100 of ${PEOPLE} sent · less than a minute left`);
    expect(html).toContain(`hx-trigger="every 2s"`);

    expect((await sendMailBatch()).sent).toBe(50);
    html = await poll(id);
    expect(sentence(html)).toBe(`All ${PEOPLE} invitation emails sent; 0 delivered, 0 bounced`);
    // The queue is empty: the sentence comes back without a trigger, so the poll ends here.
    expect(html).not.toContain("hx-trigger");
    expect(html).not.toContain("hx-get");
    expect(standIn.deliveries).toHaveLength(PEOPLE);
  });

  it("marks a bounced person's row with what the provider said, escaped, and counts deliveries and bounces", async () => {
    const id = await sendInvites();
    await sendMailBatch();
    await sendMailBatch();
    await deliveryEvent("email.delivered", "person1@contoso.example");
    await deliveryEvent("email.delivered", "person2@contoso.example");
    await deliveryEvent("email.bounced", "person3@contoso.example", { bounce: { message: hostileReason, subType: "General", type: "Permanent" } });
    expect(sentence(await poll(id))).toBe(`All ${PEOPLE} invitation emails sent; 2 delivered, 1 bounced`);

    const users = await (await t.get("/users?q=person3%40", { cookie: admin })).text();
    const member = await findPersonByAddress(t.deps.db, "person3@contoso.example");
    const [row] = await readSql<{ id: string }>(t.deps.db, "SELECT id FROM members WHERE person_id = ?", [member!.id]);
    const rowHtml = new RegExp(`<tr id="member-${row!.id}">([\\s\\S]*?)</tr>`).exec(users)![1]!;
    expect(rowHtml).toContain("Email bounced");
    expect(rowHtml).toContain("550 5.1.1 &lt;img src=x onerror=alert(1)&gt; &quot;no such user&quot; &amp; gone");
    expect(users).not.toContain("<img src=x");
    // A delivered person's row carries no mark.
    const others = await (await t.get("/users?q=person1%40", { cookie: admin })).text();
    expect(others).not.toContain("Email bounced");
  });

  it("shows the same numbers without JavaScript: the import page and the Users page, the file name escaped", async () => {
    const id = await sendInvites();
    await sendMailBatch();
    const fragment = sentence(await poll(id));
    expect(fragment).toBe(`Emails: 100 of ${PEOPLE} sent · less than a minute left`);
    const importPage = await (await t.get(`/imports/${id}`, { cookie: admin })).text();
    expect(sentence(importPage)).toBe(fragment);
    // Without JavaScript the import page refreshes itself while emails are still to go.
    expect(importPage).toContain(`<meta http-equiv="refresh" content="2; url=/imports/${id}">`);
    const usersPage = await (await t.get("/users", { cookie: admin })).text();
    expect(sentence(usersPage)).toBe(fragment);
    expect(usersPage).toContain(`<a href="/imports/${id}" class="file-name">team &lt;b&gt;march.csv</a>`);
    expect(usersPage).not.toContain("<b>march");
    expect(sentence(await poll(id, "?on=users"))).toBe(fragment);

    await sendMailBatch();
    const done = await (await t.get(`/imports/${id}`, { cookie: admin })).text();
    expect(sentence(done)).toBe(`All ${PEOPLE} invitation emails sent; 0 delivered, 0 bounced`);
    expect(done).not.toContain('http-equiv="refresh"');
  });

  it("Send Invite from the Users page starts the Users page's sentence polling", async () => {
    const form = new FormData();
    form.append("file", new File(["email\r\nperson1@contoso.example\r\nperson2@contoso.example"], "two.csv", { type: "text/csv" }));
    const id = (await t.post("/imports", form, { cookie: admin })).headers.get("Location")!.split("/").pop()!;
    await drainImportJobs();
    const answer = await (
      await t.post(`/imports/${id}/send`, {}, { cookie: admin, htmx: true, headers: { "HX-Current-URL": "http://localhost:3000/users" } })
    ).text();
    expect(answer).toMatch(
      /<hx-partial hx-target="#mail-progress" hx-swap="innerHTML"><p id="mail-progress-text"[^>]*hx-get="\/imports\/[^"]+\/mail\?on=users"[^>]*hx-trigger="every 2s"/,
    );
    expect(sentence(answer)).toBe("Emails: 0 of 2 sent · less than a minute left");
  });

  it("shows another organization's admin neither the counts nor the bounce", async () => {
    const id = await sendInvites();
    await sendMailBatch();
    await deliveryEvent("email.bounced", "person3@contoso.example", { bounce: { message: hostileReason } });
    expect((await t.get(`/imports/${id}/mail`, { cookie: otherAdmin, htmx: true })).status).toBe(404);
    const theirs = await (await t.get("/users", { cookie: otherAdmin })).text();
    expect(sentence(theirs)).toBeNull();
    expect(theirs).not.toContain("Email bounced");
    expect(theirs).not.toContain("no such user");
  });
});
