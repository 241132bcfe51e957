// The real `resend` SDK against the Resend stand-in: batching, retries, refused addresses, and
// the idempotency key that keeps a crashed send from becoming a second email.
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mailOutbox } from "../../src/db/schema.js";
import { countOutbox, enqueueMails } from "../../src/domain/outbox.js";
import { claimMailBatch } from "../../src/domain/outbox-delivery.js";
import { createMailTransport, createResendTransport, type MailTransport } from "../../src/integrations/mail.js";
import { drainMailOnce, type MailWorkerDeps } from "../../src/jobs/mail-worker.js";
import { createPacer } from "../../src/jobs/pacer.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { insertOrganization, makeMails } from "../support/mail-fixtures.js";
import { startResendStandIn, type ResendStandIn } from "../support/resend-stand-in.js";

let database: TestDatabase;
let standIn: ResendStandIn;
let orgId: string;
let transport: MailTransport;
const config = { mailRequestsPerSecond: 100, mailMaxAttempts: 4, mailFrom: "Admin Center <invitations@mileiq.example>" };

beforeEach(async () => {
  database = await createTestDatabase();
  standIn = await startResendStandIn();
  orgId = await insertOrganization(database.db);
  transport = createMailTransport({ ...config, resend: { apiKey: standIn.apiKey, baseUrl: standIn.url } });
});
afterEach(async () => {
  await standIn.close();
  database.close();
});

function deps(extra: Partial<MailWorkerDeps> = {}): MailWorkerDeps {
  return { db: database.db, transport, config, owner: "test-worker", retryBaseMs: 1, pacer: createPacer(config.mailRequestsPerSecond), ...extra };
}

/** Drains until nothing is due (waiting out short retry delays). */
async function drainAll(d: MailWorkerDeps, maxMs = 10_000) {
  const until = Date.now() + maxMs;
  const results = [];
  while (Date.now() < until) {
    const r = await drainMailOnce(d);
    if (r.outcome !== "idle") results.push(r);
    else if ((await countOutbox(d.db)).queued === 0) break;
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return results;
}

const deliveredTo = () => standIn.deliveries.map((d) => d.to).sort();

describe("Resend transport", () => {
  it("sends 250 emails in batches of 100 with an Idempotency-Key each, and records the provider ids", async () => {
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 250)));
    const results = await drainAll(deps());
    expect(results.map((r) => r.sent)).toEqual([100, 100, 50]);
    const batches = standIn.requests.filter((r) => r.status === 200);
    expect(batches.map((r) => r.emails)).toEqual([100, 100, 50]);
    expect(new Set(batches.map((r) => r.idempotencyKey)).size).toBe(3);
    expect(batches.every((r) => r.idempotencyKey?.startsWith("mail-batch:") && r.validation === "strict")).toBe(true);
    expect(standIn.deliveries).toHaveLength(250);
    expect(new Set(deliveredTo()).size).toBe(250);
    expect(standIn.deliveries[0]!.from).toBe(config.mailFrom);
    const rows = await database.db.select().from(mailOutbox);
    const byProvider = new Map(standIn.deliveries.map((d) => [d.id, d.to]));
    expect(rows.every((r) => r.status === "sent" && byProvider.get(r.providerId!) === r.to)).toBe(true);
  });

  it("refuses a wrong API key and the worker retries rather than losing the email", async () => {
    const wrong = createResendTransport({ apiKey: "re_wrong", baseUrl: standIn.url, from: config.mailFrom });
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 1)));
    const r = await drainMailOnce(deps({ transport: wrong }));
    expect(r.outcome).toBe("retryable");
    expect(standIn.requests[0]!.status).toBe(401);
    expect(standIn.deliveries).toHaveLength(0);
    const [row] = await database.db.select().from(mailOutbox);
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row!.lastError).toContain("invalid_api_key");
  });

  it("honours Retry-After on 429 without counting an attempt", async () => {
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 3)));
    standIn.failNext({ status: 429, retryAfter: "1" });
    const started = Date.now();
    const first = await drainMailOnce(deps());
    expect(first.outcome).toBe("rate_limited");
    const [waiting] = await database.db.select().from(mailOutbox).limit(1);
    expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(started + 1000);
    expect(waiting!.attempts).toBe(0);
    const results = await drainAll(deps());
    expect(results.at(-1)!.outcome).toBe("sent");
    const [, second] = standIn.requests;
    expect(second!.at - standIn.requests[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(second!.idempotencyKey).toBe(standIn.requests[0]!.idempotencyKey);
    expect(deliveredTo()).toHaveLength(3);
  });

  it("retries after 500 with backoff and the same key, and gives up as dead after the last attempt", async () => {
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 2)));
    standIn.failNext({ status: 500 }, 2);
    await drainAll(deps());
    expect(standIn.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(standIn.requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(standIn.deliveries).toHaveLength(2);
    const rows = await database.db.select().from(mailOutbox);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 3)).toBe(true);

    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 1, "doomed")));
    standIn.failNext({ status: 500 }, config.mailMaxAttempts);
    await drainAll(deps());
    const [doomed] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.to, "doomed0@example.test"));
    expect(doomed).toMatchObject({ status: "dead", attempts: config.mailMaxAttempts, deliveryStatus: "failed" });
    expect(doomed!.lastError).toContain("internal_server_error (500)");
  });

  it("a network error is retried", async () => {
    const unreachable = createResendTransport({ apiKey: "re_x", baseUrl: "http://127.0.0.1:9", from: config.mailFrom });
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 1)));
    expect((await drainMailOnce(deps({ transport: unreachable }))).outcome).toBe("retryable");
    expect((await countOutbox(database.db)).queued).toBe(1);
  });

  it("a refused address fails with the provider's reason and does not block the others", async () => {
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 100)));
    standIn.rejectAddress("m37@example.test");
    await drainAll(deps());
    expect(standIn.deliveries).toHaveLength(99);
    expect(deliveredTo()).not.toContain("m37@example.test");
    const [bad] = await database.db.select().from(mailOutbox).where(eq(mailOutbox.to, "m37@example.test"));
    expect(bad!.status).toBe("failed");
    expect(bad!.lastError).toContain("emails[0]: Invalid `to` field");
    expect((await countOutbox(database.db)).sent).toBe(99);
    // Halving finds one bad address in about 2·log2(100) requests, not 100.
    expect(standIn.requests.length).toBeLessThanOrEqual(16);
  });

  it("a worker that dies between the provider's answer and recording it does not cause a second email", async () => {
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 5)));
    const claimed = await claimMailBatch(database.db, "doomed-worker", { leaseMs: 60_000 });
    const answer = await transport.sendBatch(claimed!.messages, claimed!.batchKey);
    expect(answer.ok).toBe(true);
    // ...the process dies here: nothing recorded. Its lease runs out.
    await database.db.write((tx) =>
      tx
        .update(mailOutbox)
        .set({ lockedUntil: new Date(Date.now() - 1) })
        .where(eq(mailOutbox.lockedBy, "doomed-worker")),
    );
    const r = await drainMailOnce(deps());
    expect(r.outcome).toBe("sent");
    expect(standIn.requests).toHaveLength(2);
    expect(standIn.requests[1]!.idempotencyKey).toBe(claimed!.batchKey);
    expect(standIn.requests[1]!.replayed).toBe(true);
    expect(standIn.deliveries).toHaveLength(5);
    const rows = await database.db.select().from(mailOutbox);
    expect(rows.map((x) => x.providerId).sort()).toEqual([...(answer.ok ? answer.providerIds : [])].sort());
  });
});
