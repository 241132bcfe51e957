import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "../../src/db/schema.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { invitations, mailOutbox } from "../../src/db/schema.js";
import { countOutbox, enqueueMails, getOutboxMessage, invitationMailKey, listOutbox } from "../../src/domain/outbox.js";
import { claimMailBatch, recordBatchInvalid, recordBatchRetry, recordBatchSent } from "../../src/domain/outbox-delivery.js";
import { clientOf } from "../../src/db/driver.js";
import { createTestDatabase, type TestDatabase } from "../support/db.js";
import { enqueueMail, insertInvitation, insertOrganization, makeMails, storedMail, mailColumns, withEmail } from "../support/mail-fixtures.js";

let database: TestDatabase;
let orgId: string;

beforeEach(async () => {
  database = await createTestDatabase();
  orgId = await insertOrganization(database.db);
});
afterEach(() => database.close());

describe("enqueueMails", () => {
  it("commits with the caller's transaction, or not at all", async () => {
    const { db } = database;
    await expect(
      db.write(async (tx) => {
        await enqueueMail(tx, makeMails(orgId, 1)[0]!);
        throw new Error("the state change failed");
      }),
    ).rejects.toThrow("the state change failed");
    expect((await countOutbox(db)).queued).toBe(0);

    await db.write(async (tx) => {
      await enqueueMails(tx, makeMails(orgId, 3));
    });
    expect((await countOutbox(db)).queued).toBe(3);
  });

  it("ignores a second email with the same idempotency key", async () => {
    const { db } = database;
    const invitationId = await insertInvitation(db, orgId, "ana@example.test");
    const mail = { ...makeMails(orgId, 1)[0]!, invitationId, idempotencyKey: invitationMailKey(invitationId, 1) };
    const first = await db.write((tx) => enqueueMail(tx, mail));
    const second = await db.write((tx) => enqueueMail(tx, { ...mail, ...storedMail({ subject: "other", html: "<p>other</p>", text: "other" }) }));
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toBeNull();
    const rows = await db.select(mailColumns).from(mailOutbox);
    expect(rows).toHaveLength(1);
    expect(withEmail(rows[0]!).subject).toBe("Hello 0");
    expect(rows[0]!.idempotencyKey).toBe(`invitation:${invitationId}:1`);
  });

  it("enqueues 10,000 emails in a few multi-row statements", async () => {
    // The same connection, with a logger that counts statements (the bench times the 1 s target).
    let statements = 0;
    const counted = drizzle(clientOf(database.db), { schema, logger: { logQuery: () => void statements++ } });
    const mails = makeMails(orgId, 10_000);
    const ids = await counted.transaction(async (tx) => enqueueMails(tx, mails));
    expect(ids).toHaveLength(10_000);
    expect((await countOutbox(database.db)).queued).toBe(10_000);
    // 200 rows a statement: each stays short enough for requests waiting on the event loop.
    expect(statements).toBeLessThanOrEqual(Math.ceil(10_000 / 200) + 2);
  });

  it("lists and reads only the organization's own emails", async () => {
    const { db } = database;
    const otherOrg = await insertOrganization(db);
    await db.write((tx) => enqueueMails(tx, makeMails(orgId, 3, "mine")));
    const [foreignId] = await db.write((tx) => enqueueMails(tx, makeMails(otherOrg, 1, "theirs")));
    const page = await listOutbox(db, orgId, { limit: 2 });
    expect(page.rows.map((r) => r.to)).toEqual(["mine2@example.test", "mine1@example.test"]);
    const rest = await listOutbox(db, orgId, { limit: 2, before: page.next! });
    expect(rest.rows.map((r) => r.to)).toEqual(["mine0@example.test"]);
    expect(rest.next).toBeNull();
    expect(await getOutboxMessage(db, orgId, foreignId!)).toBeNull();
    expect((await getOutboxMessage(db, otherOrg, foreignId!))?.to).toBe("theirs0@example.test");
  });
});

describe("claimMailBatch", () => {
  it("claims at most 100 due messages, and a second owner gets the others", async () => {
    const { db } = database;
    await db.write((tx) => enqueueMails(tx, makeMails(orgId, 150)));
    const a = await claimMailBatch(db, "worker-a", { leaseMs: 60_000 });
    const b = await claimMailBatch(db, "worker-b", { leaseMs: 60_000 });
    const c = await claimMailBatch(db, "worker-c", { leaseMs: 60_000 });
    expect(a!.messages).toHaveLength(100);
    expect(b!.messages).toHaveLength(50);
    expect(c).toBeNull();
    expect(a!.batchKey).not.toBe(b!.batchKey);
    const overlap = a!.messages.filter((m) => b!.messages.some((n) => n.id === m.id));
    expect(overlap).toHaveLength(0);
    const rows = await db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.lockedBy, "worker-a"));
    expect(rows.every((r) => r.status === "queued" && r.lockedUntil!.getTime() > Date.now() && r.attempts === 1 && r.batchKey === a!.batchKey)).toBe(true);
  });

  it("does not claim messages that are not yet due", async () => {
    const { db } = database;
    await db.write((tx) => enqueueMails(tx, makeMails(orgId, 2), Date.now() + 60_000));
    expect(await claimMailBatch(db, "w", { leaseMs: 1000 })).toBeNull();
  });

  it("claims an expired lease again as the same batch, with the same key", async () => {
    const { db } = database;
    await db.write((tx) => enqueueMails(tx, makeMails(orgId, 120)));
    const first = await claimMailBatch(db, "dead-worker", { leaseMs: 60_000 });
    await db.write((tx) =>
      tx
        .update(mailOutbox)
        .set({ lockedUntil: new Date(Date.now() - 1) })
        .where(eq(mailOutbox.lockedBy, "dead-worker")),
    );
    const again = await claimMailBatch(db, "next-worker", { leaseMs: 60_000 });
    expect(again!.batchKey).toBe(first!.batchKey);
    expect(again!.messages.map((m) => m.id)).toEqual(first!.messages.map((m) => m.id));
    expect(again!.messages[0]!.attempts).toBe(2);
    // The dead worker's late answer is not recorded: the rows are no longer its own.
    expect(
      await recordBatchSent(
        db,
        "dead-worker",
        first!,
        first!.messages.map((_, i) => `p${i}`),
      ),
    ).toBe(0);
    expect(
      await recordBatchSent(
        db,
        "next-worker",
        again!,
        again!.messages.map((_, i) => `p${i}`),
      ),
    ).toBe(100);
    const next = await claimMailBatch(db, "next-worker", { leaseMs: 60_000 });
    expect(next!.messages).toHaveLength(20);
  });
});

describe("recording answers", () => {
  it("sent: provider ids per message, and the invitation follows its latest email", async () => {
    const { db } = database;
    const invitationId = await insertInvitation(db, orgId, "ana@example.test");
    await db.write((tx) => enqueueMail(tx, { ...makeMails(orgId, 1)[0]!, invitationId }));
    const batch = (await claimMailBatch(db, "w", { leaseMs: 60_000 }))!;
    await recordBatchSent(db, "w", batch, ["re_1"]);
    const [row] = await db.select(mailColumns).from(mailOutbox);
    expect(row).toMatchObject({ status: "sent", providerId: "re_1", deliveryStatus: "sent", batchKey: null, lockedBy: null });
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
    expect(inv!.deliveryStatus).toBe("sent");
    // A reminder is queued: the invitation shows "queued" again.
    await db.write((tx) => enqueueMail(tx, { ...makeMails(orgId, 1, "again")[0]!, invitationId, idempotencyKey: invitationMailKey(invitationId, 2) }));
    const [inv2] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
    expect(inv2!.deliveryStatus).toBe("queued");
  });

  it("retry: keeps the batch key, backs off, and ends dead after the last attempt", async () => {
    const { db } = database;
    const invitationId = await insertInvitation(db, orgId, "ana@example.test");
    await db.write((tx) => enqueueMail(tx, { ...makeMails(orgId, 1)[0]!, invitationId }));
    const first = (await claimMailBatch(db, "w", { leaseMs: 60_000 }))!;
    expect(await recordBatchRetry(db, "w", first, { error: "500", delayMs: 0, maxAttempts: 2, countAttempt: true })).toEqual({ dead: 0, retrying: 1 });
    const second = (await claimMailBatch(db, "w", { leaseMs: 60_000 }))!;
    expect(second.batchKey).toBe(first.batchKey);
    expect(await recordBatchRetry(db, "w", second, { error: "500 again", delayMs: 0, maxAttempts: 2, countAttempt: true })).toEqual({ dead: 1, retrying: 0 });
    const [row] = await db.select(mailColumns).from(mailOutbox);
    expect(row).toMatchObject({ status: "dead", attempts: 2, lastError: "500 again", deliveryStatus: "failed" });
    const [inv] = await db.select().from(invitations).where(eq(invitations.id, invitationId));
    expect(inv!.deliveryStatus).toBe("failed");
    expect(await claimMailBatch(db, "w", { leaseMs: 60_000 })).toBeNull();
  });

  it("invalid: a batch is split in halves under new keys; a single message fails with the reason", async () => {
    const { db } = database;
    await db.write((tx) => enqueueMails(tx, makeMails(orgId, 5)));
    const batch = (await claimMailBatch(db, "w", { leaseMs: 60_000 }))!;
    expect(await recordBatchInvalid(db, "w", batch, "bad address")).toEqual({ failed: 0, split: 5 });
    const keys = await db
      .select({ key: mailOutbox.batchKey, n: sql<number>`count(*)`, attempts: sql<number>`max(attempts)` })
      .from(mailOutbox)
      .groupBy(mailOutbox.batchKey);
    expect(keys.map((k) => Number(k.n)).sort()).toEqual([2, 3]);
    expect(keys.every((k) => k.key !== batch.batchKey && Number(k.attempts) === 0)).toBe(true);
    const half = (await claimMailBatch(db, "w", { leaseMs: 60_000 }))!;
    expect(half.messages).toHaveLength(3);
    const one = { ...half, messages: half.messages.slice(0, 1) };
    expect(await recordBatchInvalid(db, "w", one, "bad address")).toEqual({ failed: 1, split: 0 });
    const [failed] = await db.select(mailColumns).from(mailOutbox).where(eq(mailOutbox.id, one.messages[0]!.id));
    expect(failed).toMatchObject({ status: "failed", lastError: "bad address", deliveryStatus: "failed" });
  });
});
