// The mail worker loop: the request rate is held, two workers on one database file (two
// connections) send every message once, stop() leaves nothing held, wake() starts at once.
import { isNotNull } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mailOutbox } from "../../src/db/schema.js";
import { countOutbox, enqueueMails } from "../../src/domain/outbox.js";
import { createResendTransport, type MailTransport } from "../../src/integrations/mail.js";
import { startMailWorker } from "../../src/jobs/mail-worker.js";
import { createTestDatabase, openAnotherConnection, type TestDatabase } from "../support/db.js";
import { insertOrganization, makeMails } from "../support/mail-fixtures.js";
import { startResendStandIn, type ResendStandIn } from "../support/resend-stand-in.js";

let database: TestDatabase;
let standIn: ResendStandIn;
let orgId: string;
const mailFrom = "Admin Center <invitations@mileiq.example>";

beforeEach(async () => {
  database = await createTestDatabase();
  orgId = await insertOrganization(database.db);
});
afterEach(async () => {
  await standIn?.close();
  database.close();
});

async function waitFor(check: () => Promise<boolean>, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("timed out");
}

/** The most requests the stand-in saw in any one-second window. */
function busiestSecond(times: number[]): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) most = Math.max(most, times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length);
  return most;
}

function counting(transport: MailTransport) {
  let calls = 0;
  return {
    transport: {
      name: transport.name,
      sendBatch: (m, k) => {
        calls++;
        return transport.sendBatch(m, k);
      },
    } as MailTransport,
    calls: () => calls,
  };
}

describe("mail worker", () => {
  it("never goes above the configured request rate", async () => {
    standIn = await startResendStandIn({ requestsPerSecond: 4 });
    const transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: mailFrom });
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 1000)));
    const started = performance.now();
    const worker = startMailWorker({ db: database.db, transport, config: { mailRequestsPerSecond: 4, mailMaxAttempts: 3 } });
    await waitFor(async () => (await countOutbox(database.db)).sent === 1000);
    await worker.stop();
    const elapsed = performance.now() - started;
    const times = standIn.requests.map((r) => r.at);
    expect(standIn.requests).toHaveLength(10);
    expect(standIn.rateLimited()).toBe(0);
    expect(busiestSecond(times)).toBeLessThanOrEqual(4);
    expect(elapsed).toBeGreaterThanOrEqual(9 * 250);
    expect(new Set(standIn.deliveries.map((d) => d.to)).size).toBe(1000);
  });

  it("two workers on two connections to one database file send each message exactly once", async () => {
    standIn = await startResendStandIn();
    const second = await openAnotherConnection(database);
    try {
      const a = counting(createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: mailFrom }));
      const b = counting(createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: mailFrom }));
      await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 3000)));
      const config = { mailRequestsPerSecond: 50, mailMaxAttempts: 3 };
      const workers = [
        startMailWorker({ db: database.db, transport: a.transport, config, idleMs: 10 }),
        startMailWorker({ db: second.db, transport: b.transport, config, idleMs: 10 }),
      ];
      await waitFor(async () => (await countOutbox(database.db)).sent === 3000);
      await Promise.all(workers.map((w) => w.stop()));
      expect(a.calls()).toBeGreaterThan(0);
      expect(b.calls()).toBeGreaterThan(0);
      expect(a.calls() + b.calls()).toBe(30);
      expect(standIn.deliveries).toHaveLength(3000);
      expect(new Set(standIn.deliveries.map((d) => d.to)).size).toBe(3000);
      expect(standIn.requests.every((r) => r.status === 200 && !r.replayed)).toBe(true);
    } finally {
      second.close();
    }
  });

  it("stop() finishes or gives back what it holds; wake() starts work at once", async () => {
    standIn = await startResendStandIn();
    const transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: mailFrom });
    const worker = startMailWorker({ db: database.db, transport, config: { mailRequestsPerSecond: 2, mailMaxAttempts: 3 }, idleMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // idle now, for a minute
    await database.db.write((tx) => enqueueMails(tx, makeMails(orgId, 450)));
    const woken = performance.now();
    worker.wake();
    await waitFor(async () => standIn.requests.length >= 1, 5000);
    expect(performance.now() - woken).toBeLessThan(2000);
    await worker.stop();
    const held = await database.db.select().from(mailOutbox).where(isNotNull(mailOutbox.lockedBy));
    expect(held).toHaveLength(0);
    const counts = await countOutbox(database.db);
    expect(counts.sending).toBe(0);
    expect(counts.sent + counts.queued).toBe(450);
    expect(counts.sent).toBe(standIn.deliveries.length);
  });
});
