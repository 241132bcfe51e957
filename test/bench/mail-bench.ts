// The mail part of `npm run bench`: enqueue 10,000 invitation emails (target < 1 s, rendering
// included) in one transaction, then drain them through the real worker and the real `resend`
// SDK to the Resend stand-in, which enforces the same request rate as the worker is configured
// for (so a 429 would show). Checks every email was delivered exactly once, in batches of at
// most 100, and that no one-second window held more requests than the configured rate.
// BENCH_MAIL_RPS sets the rate (default 10 requests/s: 10,000 emails drain in about 10 s;
// at the production default of 2 it takes about 50 s).
import { sql } from "drizzle-orm";
import { invitationMailKey, enqueueMails, countOutbox } from "../../src/domain/outbox.js";
import { createResendTransport } from "../../src/integrations/mail.js";
import { startMailWorker } from "../../src/jobs/mail-worker.js";
import { newId, newToken, sha256Hex } from "../../src/ids.js";
import { invitationMail } from "../../src/domain/mail-templates.js";
import { createTestDatabase } from "../support/db.js";
import { insertOrganization } from "../support/mail-fixtures.js";
import { startResendStandIn } from "../support/resend-stand-in.js";

export async function benchMail(options: { messages?: number; requestsPerSecond?: number } = {}): Promise<Record<string, number>> {
  const total = options.messages ?? 10_000;
  const rps = options.requestsPerSecond ?? (Number(process.env.BENCH_MAIL_RPS) || 10);
  const database = await createTestDatabase();
  const standIn = await startResendStandIn({ requestsPerSecond: rps });
  try {
    const { db } = database;
    const orgId = await insertOrganization(db, "Bench Org");
    const people = await insertInvitations(db, orgId, total);

    const enqueueStarted = performance.now();
    const enqueueCpu = process.cpuUsage();
    const context = { orgName: "Bench Org", inviterName: "Alex Admin", rateMilli: 725, year: 2026 };
    await db.write(async (tx) => {
      await enqueueMails(
        tx,
        people.map((p) => ({
          orgId,
          kind: "invitation",
          to: p.email,
          invitationId: p.invitationId,
          idempotencyKey: invitationMailKey(p.invitationId, 1),
          ...invitationMail(context, { joinUrl: `http://localhost:3000/join/${p.token}`, recipientName: p.name }),
        })),
      );
    });
    const enqueueMs = performance.now() - enqueueStarted;
    // CPU time as well: on a shared machine the wall time also measures everyone else's load.
    const cpu = process.cpuUsage(enqueueCpu);

    const transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: "Bench <bench@mileiq.example>" });
    const drainStarted = performance.now();
    const worker = startMailWorker({ db, transport, config: { mailRequestsPerSecond: rps, mailMaxAttempts: 8 }, idleMs: 20 });
    while ((await countOutbox(db)).sent < total && performance.now() - drainStarted < (total / 100 / rps) * 3000 + 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await worker.stop();
    const drainMs = performance.now() - drainStarted;

    const accepted = standIn.requests.filter((r) => r.status === 200);
    const addresses = standIn.deliveries.map((d) => d.to);
    const unique = new Set(addresses).size;
    const busiest = busiestSecond(standIn.requests.map((r) => r.at));
    const counts = await countOutbox(db);
    return {
      messages: total,
      enqueueMs: round(enqueueMs),
      enqueueCpuMs: round((cpu.user + cpu.system) / 1000),
      enqueueUnder1s: enqueueMs < 1000 ? 1 : 0,
      drainMs: round(drainMs),
      messagesPerSecond: round(unique / (drainMs / 1000)),
      requestsPerSecond: round(standIn.requests.length / (drainMs / 1000)),
      configuredRequestsPerSecond: rps,
      requests: standIn.requests.length,
      batches: accepted.length,
      largestBatch: Math.max(0, ...accepted.map((r) => r.emails)),
      busiestSecondRequests: busiest,
      rateLimited429: standIn.requests.filter((r) => r.status === 429).length,
      delivered: addresses.length,
      duplicates: addresses.length - unique,
      notSent: total - counts.sent,
      exactlyOnce: unique === total && addresses.length === total && counts.sent === total ? 1 : 0,
      rateHeld: busiest <= rps && standIn.rateLimited() === 0 ? 1 : 0,
    };
  } finally {
    await standIn.close();
    database.close();
  }
}

/** Members and invitations to address the emails to (set-up, not timed). */
async function insertInvitations(db: Awaited<ReturnType<typeof createTestDatabase>>["db"], orgId: string, n: number) {
  const people = Array.from({ length: n }, (_, i) => ({
    memberId: newId(),
    invitationId: newId(),
    token: newToken(),
    email: `person${i}@bench.example`,
    name: `Person ${i}`,
  }));
  const now = Date.now();
  await db.write(async (tx) => {
    for (let i = 0; i < n; i += 500) {
      const chunk = people.slice(i, i + 500);
      await tx.run(
        sql`INSERT INTO members (id, org_id, email, email_norm, name, sort_name, status, invited_at, updated_at) VALUES ${sql.join(
          chunk.map((p) => sql`(${p.memberId}, ${orgId}, ${p.email}, ${p.email}, ${p.name}, ${p.name.toLowerCase()}, 'invited', ${now}, ${now})`),
          sql`, `,
        )}`,
      );
      await tx.run(
        sql`INSERT INTO invitations (id, org_id, member_id, token_hash, last_sent_at) VALUES ${sql.join(
          chunk.map((p) => sql`(${p.invitationId}, ${orgId}, ${p.memberId}, ${sha256Hex(p.token)}, ${now})`),
          sql`, `,
        )}`,
      );
    }
  });
  return people;
}

function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! < sorted[i]! - 999.999) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const round = (n: number) => Math.round(n * 10) / 10;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchMail(), null, 2));
}
