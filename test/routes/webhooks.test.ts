// POST /webhooks/resend with payloads signed the Svix way (HMAC-SHA256 over id.timestamp.body).
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invitations, mailOutbox } from "../../src/db/schema.js";
import { SUPPRESSED_REASON } from "../../src/domain/delivery-events.js";
import { claimMailBatch, recordBatchSent } from "../../src/domain/outbox-delivery.js";
import { webhookRoutes } from "../../src/routes/webhooks.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { enqueueMail, insertInvitation, insertOrganization, makeMails } from "../support/mail-fixtures.js";
import { newWebhookSecret, signWebhook } from "../support/resend-stand-in.js";
import { createTestApp } from "../support/app.js";

let database: TestDatabase;
let app: Hono;
let invitationId: string;
const secret = newWebhookSecret();

beforeEach(async () => {
  database = await createTestDatabase();
  app = new Hono().route("/webhooks", webhookRoutes({ db: database.db, config: { resendWebhookSecret: secret } }));
  const orgId = await insertOrganization(database.db);
  invitationId = await insertInvitation(database.db, orgId, "ana@example.test");
  await database.db.write((tx) => enqueueMail(tx, { ...makeMails(orgId, 1)[0]!, invitationId }));
  const batch = await claimMailBatch(database.db, "w", { leaseMs: 60_000 });
  await recordBatchSent(database.db, "w", batch!, ["re_msg_1"]);
});
afterEach(() => database.close());

function event(type: string, emailId = "re_msg_1", extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: { email_id: emailId, to: ["ana@example.test"], subject: "Hello", created_at: new Date().toISOString(), ...extra },
  });
}

function post(body: string, headers: Record<string, string>) {
  return app.request("/webhooks/resend", { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });
}

async function statuses() {
  const [mail] = await database.db.select().from(mailOutbox);
  const [inv] = await database.db.select().from(invitations).where(eq(invitations.id, invitationId));
  return { mail: mail!.deliveryStatus, invitation: inv!.deliveryStatus };
}

describe("POST /webhooks/resend", () => {
  it("records a verified delivered event on the email and on its invitation", async () => {
    expect(await statuses()).toEqual({ mail: "sent", invitation: "sent" });
    const body = event("email.delivered");
    const res = await post(body, signWebhook(secret, body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ recorded: "delivered" });
    expect(await statuses()).toEqual({ mail: "delivered", invitation: "delivered" });
  });

  it("records bounced and complained; a late delivery_delayed does not hide them", async () => {
    for (const type of ["email.bounced", "email.delivery_delayed"]) {
      const body = event(type);
      expect((await post(body, signWebhook(secret, body))).status).toBe(200);
    }
    expect(await statuses()).toEqual({ mail: "bounced", invitation: "bounced" });
    const body = event("email.complained");
    await post(body, signWebhook(secret, body));
    expect(await statuses()).toEqual({ mail: "complained", invitation: "complained" });
  });

  it("counts an email the provider suppressed as bounced, with what it said (or why, when it said nothing)", async () => {
    const body = event("email.suppressed", "re_msg_1", { suppressed: { message: "Recipient is on the suppression list", type: "OnAccountSuppressionList" } });
    expect(await (await post(body, signWebhook(secret, body))).json()).toEqual({ recorded: "bounced" });
    expect(await statuses()).toEqual({ mail: "bounced", invitation: "bounced" });
    expect((await database.db.select().from(mailOutbox))[0]!.bounceReason).toBe("Recipient is on the suppression list");

    await database.db.write((tx) => tx.update(mailOutbox).set({ deliveryStatus: "sent", bounceReason: null }));
    const silent = event("email.suppressed");
    await post(silent, signWebhook(secret, silent));
    expect((await database.db.select().from(mailOutbox))[0]!.bounceReason).toBe(SUPPRESSED_REASON);
  });

  it("counts an email the provider failed to send as failed", async () => {
    const body = event("email.failed", "re_msg_1", { failed: { reason: "reached_daily_quota" } });
    expect(await (await post(body, signWebhook(secret, body))).json()).toEqual({ recorded: "failed" });
    expect(await statuses()).toEqual({ mail: "failed", invitation: "failed" });
  });

  it("rejects a wrong secret, a changed body, an old timestamp and missing headers", async () => {
    const body = event("email.bounced");
    expect((await post(body, signWebhook(newWebhookSecret(), body))).status).toBe(401);
    expect((await post(event("email.bounced", "re_other"), signWebhook(secret, body))).status).toBe(401);
    expect((await post(body, signWebhook(secret, body, "msg_old", Math.floor(Date.now() / 1000) - 600))).status).toBe(401);
    const { "svix-signature": _drop, ...partial } = signWebhook(secret, body);
    expect((await post(body, partial)).status).toBe(400);
    expect(await statuses()).toEqual({ mail: "sent", invitation: "sent" });
  });

  it("refuses a replayed delivery id with 409 and changes nothing", async () => {
    const delivered = event("email.delivered");
    const headers = signWebhook(secret, delivered, "msg_replayed");
    expect((await post(delivered, headers)).status).toBe(200);
    const bounced = event("email.bounced");
    const replay = await post(bounced, signWebhook(secret, bounced, "msg_replayed"));
    expect(replay.status).toBe(409);
    expect(await statuses()).toEqual({ mail: "delivered", invitation: "delivered" });
  });

  it("ignores unknown message ids and other event types with 200", async () => {
    const unknown = event("email.delivered", "re_never_sent_by_us");
    const res = await post(unknown, signWebhook(secret, unknown));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: "unknown_message" });
    const opened = event("email.opened");
    expect(await (await post(opened, signWebhook(secret, opened))).json()).toEqual({ ignored: "event_type" });
    expect(await statuses()).toEqual({ mail: "sent", invitation: "sent" });
  });

  it("answers 404 when no webhook secret is configured", async () => {
    const off = new Hono().route("/webhooks", webhookRoutes({ db: database.db, config: { resendWebhookSecret: undefined } }));
    const body = event("email.delivered");
    const res = await off.request("/webhooks/resend", { method: "POST", body, headers: signWebhook(secret, body) });
    expect(res.status).toBe(404);
  });

  it("is mounted in the app without a session or an Origin header (the signature is the check)", async () => {
    const t = await createTestApp({ env: { RESEND_WEBHOOK_SECRET: secret } });
    try {
      const body = event("email.delivered", "re_unknown");
      const ok = await t.app.request(`${t.deps.config.publicUrl}/webhooks/resend`, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", ...signWebhook(secret, body) },
      });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ignored: "unknown_message" });
      const forged = await t.app.request(`${t.deps.config.publicUrl}/webhooks/resend`, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json", ...signWebhook(newWebhookSecret(), body) },
      });
      expect(forged.status).toBe(401);
    } finally {
      t.close();
    }
  });
});
