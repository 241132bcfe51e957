// GET /outbox and /outbox/:id: only while mail stays in the outbox (local mode, or
// MAIL_TRANSPORT=outbox), Business Administrators only, own organization only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findPersonByAddress } from "../../src/domain/people.js";
import { enqueueMails } from "../../src/domain/outbox.js";
import { renderInvitationEmail } from "../../views/emails/invitation-email.js";
import { createOrganization, createTestApp, type TestApp } from "../support/app.js";
import { storedMail } from "../support/mail-fixtures.js";

let t: TestApp;
let adminCookie: string;
let memberCookie: string;
let invitationId: string;
let foreignId: string;

beforeAll(async () => {
  t = await createTestApp({ seedDemo: true });
  adminCookie = await t.signInAs("alex.admin@contoso.example");
  memberCookie = await t.signInAs("casey.member@contoso.example");
  const orgId = (await findPersonByAddress(t.database.db, "alex.admin@contoso.example"))!.orgId;
  const other = await createOrganization(t.database.db, { name: "Fabrikam", domain: "fabrikam.example" });
  const email = renderInvitationEmail({
    orgName: "Contoso (demo)",
    inviterName: "<script>alert(1)</script>",
    rateMilli: 725,
    year: 2026,
    joinUrl: "http://localhost:3000/join/TOKEN_abc-123",
    recipientName: "Dana",
  });
  invitationId = (
    await t.database.db.write((tx) =>
      enqueueMails(tx, [{ orgId, kind: "invitation", to: "dana@contoso.example", idempotencyKey: "test:dana", ...storedMail(email) }]),
    )
  )[0]!;
  foreignId = (
    await t.database.db.write((tx) =>
      enqueueMails(tx, [
        {
          orgId: other.id,
          kind: "invitation",
          to: "secret@fabrikam.example",
          ...storedMail({ subject: "Fabrikam only", html: "<p>x</p>", text: "x" }),
          idempotencyKey: "test:fab",
        },
      ]),
    )
  )[0]!;
});
afterAll(() => t.close());

describe("GET /outbox", () => {
  it("sends signed-out people to sign in", async () => {
    const res = await t.get("/outbox");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Foutbox");
  });

  it("lists the organization's emails, escaped, and not another organization's", async () => {
    const res = await t.get("/outbox", { cookie: adminCookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.replaceAll("<wbr>", "")).toContain("dana@contoso.example");
    expect(html).toContain(`href="/outbox/${invitationId}"`);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; invited you to MileIQ for Contoso (demo)");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("Queued");
    expect(html).not.toContain("secret@fabrikam.example");
  });

  it("shows members without the Business Administrator role no email and no invitation link (403)", async () => {
    for (const path of ["/outbox", `/outbox/${invitationId}`]) {
      const res = await t.get(path, { cookie: memberCookie });
      expect(res.status, path).toBe(403);
      const html = await res.text();
      expect(html).toContain("You need the Business Administrator role");
      expect(html).not.toContain("TOKEN_abc-123");
      expect(html).not.toContain("dana@contoso.example");
    }
  });

  it("refuses a malformed page link with 400", async () => {
    expect((await t.get("/outbox?before=%3Cx%3E", { cookie: adminCookie })).status).toBe(400);
  });

  it("does not exist when mail is sent through Resend", async () => {
    const entra = await createTestApp({ env: { ENTRA_CLIENT_ID: "client", ENTRA_CLIENT_SECRET: "secret", RESEND_API_KEY: "re_test" } });
    try {
      expect((await entra.get("/outbox")).status).toBe(404);
      expect((await entra.get(`/outbox/${invitationId}`)).status).toBe(404);
    } finally {
      entra.close();
    }
  });

  it("with Entra and MAIL_TRANSPORT=outbox: open to admins, 403 to members, and every page says mail is not sent", async () => {
    const entra = await createTestApp({ env: { ENTRA_CLIENT_ID: "client", ENTRA_CLIENT_SECRET: "secret", MAIL_TRANSPORT: "outbox" }, seedDemo: true });
    try {
      const admin = await entra.signInAs("alex.admin@contoso.example");
      const member = await entra.signInAs("casey.member@contoso.example");
      const outbox = await entra.get("/outbox", { cookie: admin });
      expect(outbox.status).toBe(200);
      expect(await outbox.text()).toMatch(/<h1>[^<]*outbox<\/h1>/i);
      expect((await entra.get("/outbox", { cookie: member })).status).toBe(403);
      for (const [path, cookie] of [
        ["/login", undefined],
        ["/users", admin],
        ["/settings", admin],
        ["/users", member],
      ] as const) {
        const html = await (await entra.get(path, { cookie })).text();
        expect(html, path).toContain('class="mail-banner"');
        expect(html, path).toContain("Mail is not being sent");
      }
      // The banner links to the outbox for admins only.
      expect(await (await entra.get("/users", { cookie: admin })).text()).toMatch(/mail-banner[\s\S]*?href="\/outbox"/);
    } finally {
      entra.close();
    }
  });

  it("says nothing about mail when Resend sends it", async () => {
    const entra = await createTestApp({ env: { ENTRA_CLIENT_ID: "client", ENTRA_CLIENT_SECRET: "secret", RESEND_API_KEY: "re_test" }, seedDemo: true });
    try {
      const html = await (await entra.get("/users", { cookie: await entra.signInAs("alex.admin@contoso.example") })).text();
      expect(html).not.toContain("mail-banner");
      expect(html).not.toContain('href="/outbox"');
    } finally {
      entra.close();
    }
  });
});

describe("GET /outbox/:id", () => {
  it("shows the email in a sandboxed iframe and the text with a clickable invitation link", async () => {
    const res = await t.get(`/outbox/${invitationId}`, { cookie: adminCookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    const iframe = html.match(/<iframe[^>]*>/)![0];
    expect(iframe).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(iframe).not.toContain("allow-scripts");
    // The email's HTML is an attribute value here: escaped once more, so the page itself holds no email markup.
    expect(iframe).toContain('srcdoc="&lt;!DOCTYPE html&gt;');
    expect(iframe).toContain("&amp;lt;script&amp;gt;");
    expect(html).toContain('<a href="http://localhost:3000/join/TOKEN_abc-123">http://localhost:3000/join/TOKEN_abc-123</a>');
    expect(html).not.toContain("<script>alert(1)");
  });

  it("answers 404 for another organization's email and for ids that are not ids", async () => {
    expect((await t.get(`/outbox/${foreignId}`, { cookie: adminCookie })).status).toBe(404);
    expect((await t.get("/outbox/not-an-id", { cookie: adminCookie })).status).toBe(404);
    expect((await t.get("/outbox/00000000-0000-7000-8000-000000000000", { cookie: adminCookie })).status).toBe(404);
  });
});
