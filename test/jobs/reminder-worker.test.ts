// The reminder job sends each reminder exactly once: two workers on two connections to one
// database file (as two server processes have) at once, and a worker killed mid-pass whose lease
// then expires; "Remind everyone" logs the number of people reminded across such a restart.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { auditEvents, invitations, mailOutbox, reminderSchedules } from "../../src/db/schema.js";
import { inviteMembers } from "../../src/domain/invitations.js";
import { remindChunk } from "../../src/domain/reminder-send.js";
import { requestReminders, setReminderDays } from "../../src/domain/reminders.js";
import { createLocalTransport } from "../../src/integrations/mail.js";
import { drainMailOnce } from "../../src/jobs/mail-worker.js";
import { drainReminders } from "../../src/jobs/reminder-worker.js";
import { claimLease } from "../../src/db/leases.js";
import type { Actor } from "../../src/domain/actor.js";
import { createOrganization } from "../support/app.js";
import { createTestDatabase, openAnotherConnection, type TestDatabase } from "../support/db.js";
import { actorFor } from "../support/security-fixtures.js";

const PEOPLE = 300;
const publicUrl = "http://localhost:3000";
let database: TestDatabase;
let second: Database;
let admin: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  second = await openAnotherConnection(database);
  await createOrganization(database.db, { name: "Contoso", domain: "contoso.example", extra: PEOPLE });
  admin = await actorFor(database.db, "admin@contoso.example");
  await inviteMembers(database.db, admin, { emails: Array.from({ length: PEOPLE }, (_, i) => `person${i + 1}@contoso.example`) }, { publicUrl });
});
afterAll(() => {
  second?.close();
  database?.close();
});

beforeEach(async () => {
  const { db } = database;
  await db.write((tx) => tx.delete(reminderSchedules));
  await db.write((tx) => tx.run(sql`DELETE FROM mail_outbox WHERE kind = 'reminder'`));
  await db.write((tx) => tx.run(sql`DELETE FROM audit_events WHERE action IN ('member.remind', 'reminders.send')`));
  await db.write((tx) => tx.update(invitations).set({ remindersSent: 0, deliveryStatus: "delivered", lastSentAt: new Date(Date.now() - 10 * 86_400_000) }));
});

/** Every reminder queued, per invitation. */
async function remindersPerInvitation(): Promise<number[]> {
  const rows = await database.db.all<{ n: number }>(sql`SELECT count(o.id) AS n FROM invitations i
    LEFT JOIN mail_outbox o ON o.invitation_id = i.id AND o.kind = 'reminder' GROUP BY i.id`);
  return rows.map((r) => Number(r.n));
}

describe("the reminder job", () => {
  it("two workers on two connections at once remind each person once", async () => {
    await setReminderDays(database.db, admin, 7);
    const drains = await Promise.all([
      drainReminders({ db: database.db, publicUrl, owner: "worker-a", chunkSize: 25 }),
      drainReminders({ db: second.db, publicUrl, owner: "worker-b", chunkSize: 25 }),
    ]);
    expect(drains.reduce((a, b) => a + b)).toBe(1); // one schedule, claimed once
    expect(await remindersPerInvitation()).toEqual(Array(PEOPLE).fill(1));
    const [audits] = await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'member.remind'`);
    expect(Number(audits!.n)).toBe(PEOPLE);
    // The mail worker sends them all; a second pass (due again at once) finds nobody to remind.
    while (
      (await drainMailOnce({ db: database.db, transport: createLocalTransport(), config: { mailRequestsPerSecond: 1000, mailMaxAttempts: 3 } })).outcome !==
      "idle"
    );
    await database.db.write((tx) => tx.update(reminderSchedules).set({ nextRunAt: new Date() }));
    await drainReminders({ db: second.db, publicUrl, owner: "worker-b" });
    expect(await remindersPerInvitation()).toEqual(Array(PEOPLE).fill(1));
  });

  it("a worker killed mid-pass: the next one, once the lease expires, reminds the rest, and the log counts everyone once", async () => {
    const request = await requestReminders(database.db, admin);
    expect(request).toMatchObject({ ok: true, started: true, count: PEOPLE, days: 7 });
    // Worker A claims the request with a short lease, reminds one chunk, and dies.
    const job = await claimLease(database.db, reminderSchedules, { where: undefined, owner: "worker-a", leaseMs: 300 });
    const pass = { scheduleId: job!.id, orgId: admin.orgId, before: job!.requestedBefore!.getTime(), requestedBy: admin, after: [0, 0] as [number, number] };
    expect(await remindChunk(database.db, "worker-a", pass, { chunkSize: 40, leaseMs: 300, publicUrl })).toEqual({ status: "more", reminded: 40 });
    // While its lease holds, nobody else takes the job.
    expect(await drainReminders({ db: second.db, publicUrl, owner: "worker-b" })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await drainReminders({ db: second.db, publicUrl, owner: "worker-b", chunkSize: 50 })).toBe(1);
    // Worker A comes back to life: its lease is gone, so it reminds nobody.
    expect(await remindChunk(database.db, "worker-a", pass, { chunkSize: 40, leaseMs: 300, publicUrl })).toEqual({ status: "lost", reminded: 0 });
    expect(await remindersPerInvitation()).toEqual(Array(PEOPLE).fill(1));
    const logged = await database.db
      .select({ detail: auditEvents.detail, actor: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.orgId, admin.orgId), eq(auditEvents.action, "reminders.send")));
    expect(logged).toEqual([{ detail: { days: 7, reminded: PEOPLE }, actor: admin.personId }]);
    const [schedule] = await database.db.select().from(reminderSchedules);
    expect(schedule!.requestedAt).toBeNull();
    expect(schedule!.lockedBy).toBeNull();
  });

  it("never reminds past two, whatever runs", async () => {
    await setReminderDays(database.db, admin, 3);
    for (let round = 0; round < 4; round++) {
      await database.db.write((tx) => tx.update(invitations).set({ deliveryStatus: "delivered", lastSentAt: new Date(Date.now() - 10 * 86_400_000) }));
      await database.db.write((tx) => tx.update(reminderSchedules).set({ nextRunAt: new Date() }));
      await Promise.all([drainReminders({ db: database.db, publicUrl, owner: "a" }), drainReminders({ db: second.db, publicUrl, owner: "b" })]);
    }
    expect(await remindersPerInvitation()).toEqual(Array(PEOPLE).fill(2));
    const keys = await database.db.select({ key: mailOutbox.idempotencyKey }).from(mailOutbox).where(eq(mailOutbox.kind, "reminder"));
    expect(new Set(keys.map((k) => k.key.replace(/^reminder:[^:]+:/, "")))).toEqual(new Set(["1", "2"]));
  });
});
