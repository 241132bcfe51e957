// An import's email counts (import_mail_counts, kept by triggers) against its emails themselves,
// through everything that moves an email: queuing by Send Invite's inviteMembers, the mail
// worker's sent / refused / retried / given up (the real SDK against the Resend stand-in),
// withdrawal by archiving, delivery events. And the estimate of the time left.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imports } from "../../src/db/schema.js";
import { countImportMail, importMailProgress } from "../../src/domain/import-mail.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { archiveMembers, reinviteMember } from "../../src/domain/member-archive.js";
import { resendInvitation } from "../../src/domain/invitations-resend.js";
import { findMemberRow, memberRowColumns } from "../../src/domain/member-rows.js";
import { directoryPeople, members } from "../../src/db/schema.js";
import { eq } from "drizzle-orm";
import { recordDeliveryEvent } from "../../src/domain/delivery-events.js";
import { paceIntervalMs, processRequestsPerSecond, serverEmailsPerSecond } from "../../src/domain/mail-rate.js";
import { createResendTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { createPacer } from "../../src/jobs/pacer.js";
import { newId } from "../../src/ids.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, readSql, type TestDatabase } from "../support/db.js";
import { actorFor } from "../support/security-fixtures.js";
import { startResendStandIn, type ResendStandIn } from "../support/resend-stand-in.js";

let database: TestDatabase;
let standIn: ResendStandIn;

beforeEach(async () => {
  database = await createTestDatabase();
  standIn = await startResendStandIn();
});
afterEach(async () => {
  database.close();
  await standIn.close();
});

/** The counts the triggers keep, and the same counted from the emails: they must be equal. */
async function countsAndRows() {
  const kept = await readSql<{ import_id: string; status: string; delivery: string; n: number }>(
    database.db,
    "SELECT import_id, status, delivery_status AS delivery, count AS n FROM import_mail_counts WHERE count <> 0 ORDER BY 1, 2, 3",
  );
  const counted = await readSql<{ import_id: string; status: string; delivery: string; n: number }>(
    database.db,
    // An email names its import on its row, or (an invitation email) through its context.
    `SELECT coalesce(o.import_id, c.import_id) AS import_id, o.status, coalesce(o.delivery_status, '') AS delivery, count(*) AS n
      FROM mail_outbox o LEFT JOIN mail_contexts c ON c.id = o.context_id WHERE coalesce(o.import_id, c.import_id) IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return { kept: kept.map((r) => ({ ...r })), counted: counted.map((r) => ({ ...r })) };
}

async function expectCountsMatchRows() {
  const { kept, counted } = await countsAndRows();
  expect(kept).toEqual(counted);
}

describe("an import's email counts", () => {
  it("never part from the emails, whatever the worker, the provider, the webhook or an archive does to them", async () => {
    const org = await createOrganization(database.db, { name: "Contoso", domain: "contoso.example", extra: 130 });
    const other = await createOrganization(database.db, { name: "Fabrikam", domain: "fabrikam.example", extra: 3 });
    const admin = await actorFor(database.db, "admin@contoso.example");
    const importId = newId();
    await database.db.write((tx) => tx.insert(imports).values({ id: importId, orgId: org.id, fileName: "hr.csv", size: 1, status: "sending" }));
    const emails = Array.from({ length: 130 }, (_, i) => `person${i + 1}@contoso.example`);
    const invited = await inviteMembers(database.db, admin, { emails, source: { importId } }, { publicUrl: "http://localhost:3000" });
    // Invited outside the import: not its emails.
    await inviteMembers(database.db, admin, { emails: ["member@contoso.example"] }, { publicUrl: "http://localhost:3000" });
    await expectCountsMatchRows();
    expect(await countImportMail(database.db, org.id, importId)).toEqual({
      total: 130,
      queued: 130,
      sent: 0,
      delivered: 0,
      bounced: 0,
      failed: 0,
      withdrawn: 0,
    });

    // Withdrawn before it went: two people archived.
    await archiveMembers(
      database.db,
      admin,
      invited.outcomes.slice(0, 2).map((o) => o.memberId!),
    );
    await expectCountsMatchRows();

    const transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: "Admin <a@contoso.example>" });
    const drain = (maxAttempts = 8) =>
      drainMailOnce({ db: database.db, transport, config: { mailRequestsPerSecond: 100, mailMaxAttempts: maxAttempts }, retryBaseMs: 0 });
    // A 500: the batch stays queued for a retry; one address the provider refuses: the batch is split, that one fails.
    standIn.failNext({ status: 500 });
    expect((await drain()).outcome).toBe("retryable");
    await expectCountsMatchRows();
    standIn.rejectAddress("person50@contoso.example");
    for (let i = 0; i < 30; i++) {
      const result = await drain();
      await expectCountsMatchRows();
      if (result.outcome === "idle") break;
    }
    const providerId = (to: string) => standIn.deliveries.find((d) => d.to === to)!.id;
    await recordDeliveryEvent(database.db, { deliveryId: "d1", type: "email.delivered", providerMessageId: providerId("person10@contoso.example") });
    await recordDeliveryEvent(database.db, {
      deliveryId: "d2",
      type: "email.bounced",
      providerMessageId: providerId("person11@contoso.example"),
      bounceReason: "Mailbox does not exist",
    });
    // Out of order: a late "delivered" after the bounce changes nothing.
    await recordDeliveryEvent(database.db, { deliveryId: "d3", type: "email.delivered", providerMessageId: providerId("person11@contoso.example") });
    await expectCountsMatchRows();

    expect(await countImportMail(database.db, org.id, importId)).toEqual({
      total: 128,
      queued: 0,
      sent: 127,
      delivered: 1,
      bounced: 1,
      failed: 1,
      withdrawn: 2,
    });
    // Another organization asking for this import counts nothing.
    expect(await countImportMail(database.db, other.id, importId)).toEqual({ total: 0, queued: 0, sent: 0, delivered: 0, bounced: 0, failed: 0, withdrawn: 0 });
  });

  it("counts an email given up after its last attempt as failed", async () => {
    const org = await createOrganization(database.db, { name: "Contoso", domain: "contoso.example", extra: 3 });
    const admin = await actorFor(database.db, "admin@contoso.example");
    const importId = newId();
    await database.db.write((tx) => tx.insert(imports).values({ id: importId, orgId: org.id, fileName: "hr.csv", size: 1, status: "sent" }));
    await inviteMembers(
      database.db,
      admin,
      { emails: ["person1@contoso.example", "person2@contoso.example"], source: { importId } },
      { publicUrl: "http://localhost:3000" },
    );
    standIn.failNext({ status: 500 });
    const transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: "Admin <a@contoso.example>" });
    await drainMailOnce({ db: database.db, transport, config: { mailRequestsPerSecond: 100, mailMaxAttempts: 1 } });
    await expectCountsMatchRows();
    expect(await countImportMail(database.db, org.id, importId)).toMatchObject({ total: 2, queued: 0, sent: 0, failed: 2 });
  });
});

describe("a bounced person's Users row", () => {
  it("carries the provider's reason while their open invitation's email is bounced, not after a resend or an archive", async () => {
    const org = await createOrganization(database.db, { name: "Contoso", domain: "contoso.example", extra: 2 });
    const admin = await actorFor(database.db, "admin@contoso.example");
    const invited = await inviteMembers(
      database.db,
      admin,
      { emails: ["person1@contoso.example", "person2@contoso.example"] },
      { publicUrl: "http://localhost:3000" },
    );
    const [ann, ben] = invited.outcomes.map((o) => o.memberId!);
    const transport = createResendTransport({ apiKey: standIn.apiKey, baseUrl: standIn.url, from: "Admin <a@contoso.example>" });
    await drainMailOnce({ db: database.db, transport, config: { mailRequestsPerSecond: 100, mailMaxAttempts: 8 } });
    const providerId = (to: string) => standIn.deliveries.filter((d) => d.to === to).at(-1)!.id;
    await recordDeliveryEvent(database.db, {
      deliveryId: "b1",
      type: "email.bounced",
      providerMessageId: providerId("person1@contoso.example"),
      bounceReason: "Mailbox full",
    });
    await recordDeliveryEvent(database.db, { deliveryId: "b2", type: "email.bounced", providerMessageId: providerId("person2@contoso.example") });
    expect((await findMemberRow(database.db, org.id, ann!))!.bounce).toBe("Mailbox full");
    // The provider said nothing more than "bounced": the mark stands without a reason.
    expect((await findMemberRow(database.db, org.id, ben!))!.bounce).toBe("");
    // Resent: a new email is on its way, the mark goes.
    expect((await resendInvitation(database.db, admin, ann!, { publicUrl: "http://localhost:3000", resendsPerDay: 3 })).ok).toBe(true);
    expect((await findMemberRow(database.db, org.id, ann!))!.bounce).toBeNull();
    // Archived: no longer invited, no mark; invited again: a new invitation, no mark.
    await archiveMembers(database.db, admin, [ben!]);
    expect((await findMemberRow(database.db, org.id, ben!))!.bounce).toBeNull();
    expect((await reinviteMember(database.db, admin, ben!, { publicUrl: "http://localhost:3000" })).ok).toBe(true);
    expect((await findMemberRow(database.db, org.id, ben!))!.bounce).toBeNull();
  });

  it("is found through the index of bounced open invitations, not each member's invitations", async () => {
    const query = database.db
      .select(memberRowColumns)
      .from(members)
      .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
      .where(eq(members.orgId, "o"))
      .limit(51)
      .toSQL();
    const plan = (await readSql<{ detail: string }>(database.db, `EXPLAIN QUERY PLAN ${query.sql}`, query.params as never)).map((r) => r.detail);
    expect(plan).toContain("SEARCH i USING INDEX invitations_open_bounced (member_id=?)");
  });
});

describe("the time left", () => {
  it("is the queued emails at the server's rate: MAIL_REQUESTS_PER_SECOND batches of 100, shared by the processes", () => {
    const one = { mailRequestsPerSecond: 2, webConcurrency: 1 };
    // The pacer's interval: 500 ms · 1.04 + 10 ms = 530 ms a request of 100 emails.
    expect(serverEmailsPerSecond(one)).toBeCloseTo(100_000 / 530, 6);
    const counts = { total: 80_000, queued: 80_000, sent: 0, delivered: 0, bounced: 0, failed: 0, withdrawn: 0 };
    expect(importMailProgress(counts, 0, one)).toMatchObject({ going: true, secondsLeft: Math.ceil((80_000 * 0.53) / 100) });
    // Four processes pace a quarter of the rate each: the server's rate stays about the account's.
    const four = { mailRequestsPerSecond: 2, webConcurrency: 4 };
    expect(processRequestsPerSecond(four)).toBe(0.5);
    expect(serverEmailsPerSecond(four)).toBeCloseTo((4 * 100_000) / 2090, 6);
    expect(serverEmailsPerSecond(four)).toBeLessThan(200);
    // Ready rows not invited yet count as emails to come; nothing left: no estimate.
    expect(importMailProgress({ ...counts, queued: 0, sent: 80_000 }, 1000, one)).toMatchObject({
      total: 81_000,
      going: true,
      secondsLeft: Math.ceil((1000 * 0.53) / 100),
    });
    expect(importMailProgress({ ...counts, queued: 0, sent: 80_000 }, 0, one)).toMatchObject({ going: false, secondsLeft: null });
  });

  it("uses the interval the worker's pacer keeps", async () => {
    const rps = 20;
    const pacer = createPacer(rps);
    const start = performance.now();
    for (let i = 0; i < 5; i++) await pacer.take();
    // Five request starts: four intervals after the first.
    expect(performance.now() - start).toBeGreaterThanOrEqual(4 * paceIntervalMs(rps) - 5);
  });
});
