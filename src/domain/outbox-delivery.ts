// What the mail worker does to outbox rows: claim a batch under a lease, then record how the
// provider answered. A batch is a set of rows sharing `batch_key`, the Idempotency-Key of their
// provider request; the key stays on the rows until the answer is recorded, so a batch retried
// after a crash or a 5xx goes out again unchanged, with the same key, and the provider sends it once.
import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { invitations, mailContexts, mailOutbox } from "../db/schema.js";
import { newId } from "../ids.js";
import { claimLeases, releaseLease } from "../db/leases.js";
import { renderOutboxRow } from "./mail-templates.js";

export const MAX_BATCH = 100;

export type ClaimedMail = { id: string; to: string; subject: string; html: string; text: string; idempotencyKey: string; attempts: number };
export type ClaimedBatch = { batchKey: string; messages: ClaimedMail[] };

export const newBatchKey = (): string => `mail-batch:${newId()}`;

/**
 * One conditional UPDATE: the oldest due batch left by an earlier attempt if there is one
 * (whole, so it is resent unchanged), otherwise up to 100 fresh due messages under a new key.
 * A claimed message stays `queued`: the lease (locked_by/locked_until) says it is being sent,
 * and every condition here is read from the mail_outbox_claim index, so a claim stays cheap
 * with 100,000 messages waiting.
 */
export async function claimMailBatch(db: Db, owner: string, options: { leaseMs: number; now?: number }): Promise<ClaimedBatch | null> {
  const now = options.now ?? Date.now();
  const key = newBatchKey();
  const pendingKey = sql`(SELECT g.batch_key FROM mail_outbox g WHERE g.status = 'queued' AND g.batch_key IS NOT NULL
    AND g.next_attempt_at <= ${now} AND (g.locked_until IS NULL OR g.locked_until < ${now}) ORDER BY g.next_attempt_at LIMIT 1)`;
  const rows = await claimLeases(db, mailOutbox, {
    where: and(eq(mailOutbox.status, "queued"), sql`${mailOutbox.batchKey} IS ${pendingKey}`, lte(mailOutbox.nextAttemptAt, new Date(now))),
    orderBy: [mailOutbox.nextAttemptAt],
    limit: MAX_BATCH,
    owner,
    leaseMs: options.leaseMs,
    now,
    set: { attempts: sql`${mailOutbox.attempts} + 1`, batchKey: sql`coalesce(${mailOutbox.batchKey}, ${key})` },
  });
  if (rows.length === 0) return null;
  // The same rows in the same order every time: a retried request carries the same payload.
  rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  const contextIds = [...new Set(rows.flatMap((r) => (r.contextId === null ? [] : [r.contextId])))];
  const contexts = new Map(
    contextIds.length === 0
      ? []
      : (await db.select({ id: mailContexts.id, params: mailContexts.params }).from(mailContexts).where(inArray(mailContexts.id, contextIds))).map((c) => [
          c.id,
          c.params,
        ]),
  );
  return {
    batchKey: rows[0]!.batchKey!,
    // Rendered now, from the row's template and parameters (the same rows render the same payload).
    messages: rows.map((r) => ({
      id: r.id,
      to: r.to,
      ...renderOutboxRow({ ...r, context: r.contextId === null ? null : (contexts.get(r.contextId) ?? null) }),
      idempotencyKey: r.idempotencyKey,
      attempts: r.attempts,
    })),
  };
}

/** The provider accepted the batch: one provider id per message, in order. */
export async function recordBatchSent(db: Db, owner: string, batch: ClaimedBatch, providerIds: string[], now = Date.now()): Promise<number> {
  const ids = batch.messages.map((m) => m.id);
  const providerCase = sql.join([sql`CASE ${mailOutbox.id}`, ...ids.map((id, i) => sql`WHEN ${id} THEN ${providerIds[i]!}`), sql`END`], sql` `);
  return db.write(async (tx) => {
    const done = await tx
      .update(mailOutbox)
      .set({
        status: "sent",
        providerId: providerCase,
        sentAt: new Date(now),
        batchKey: null,
        lastError: null,
        lockedBy: null,
        lockedUntil: null,
        deliveryStatus: sql`coalesce(${mailOutbox.deliveryStatus}, 'sent')`,
      })
      .where(and(inArray(mailOutbox.id, ids), eq(mailOutbox.lockedBy, owner)))
      .returning({ invitationId: mailOutbox.invitationId });
    await syncInvitationDelivery(
      tx,
      done.map((r) => r.invitationId),
    );
    return done.length;
  });
}

/** 5xx, network, 429: the same batch goes again later with the same key; past the limit it is dead. */
export async function recordBatchRetry(
  db: Db,
  owner: string,
  batch: ClaimedBatch,
  input: { error: string; delayMs: number; maxAttempts: number; countAttempt: boolean; now?: number },
): Promise<{ dead: number; retrying: number }> {
  const now = input.now ?? Date.now();
  const ids = batch.messages.map((m) => m.id);
  const attempts = input.countAttempt ? sql`${mailOutbox.attempts}` : sql`max(${mailOutbox.attempts} - 1, 0)`;
  return db.write(async (tx) => {
    const rows = await tx
      .update(mailOutbox)
      .set({
        attempts,
        status: sql`CASE WHEN ${attempts} >= ${input.maxAttempts} THEN 'dead' ELSE 'queued' END`,
        deliveryStatus: sql`CASE WHEN ${attempts} >= ${input.maxAttempts} THEN 'failed' ELSE ${mailOutbox.deliveryStatus} END`,
        nextAttemptAt: new Date(now + input.delayMs),
        lastError: input.error.slice(0, 1000),
        lockedBy: null,
        lockedUntil: null,
      })
      .where(and(inArray(mailOutbox.id, ids), eq(mailOutbox.lockedBy, owner)))
      .returning({ status: mailOutbox.status, invitationId: mailOutbox.invitationId });
    const dead = rows.filter((r) => r.status === "dead");
    await syncInvitationDelivery(
      tx,
      dead.map((r) => r.invitationId),
    );
    return { dead: dead.length, retrying: rows.length - dead.length };
  });
}

/**
 * The provider refused the batch as invalid (strict batch validation fails all 100 for one bad
 * address). A single message is failed with the provider's reason; a larger batch is split in
 * two halves under new keys, due at once, so the bad address is found in about 2·log2(n)
 * requests while the good ones still go. Splitting does not count as an attempt.
 */
export async function recordBatchInvalid(
  db: Db,
  owner: string,
  batch: ClaimedBatch,
  reason: string,
  now = Date.now(),
): Promise<{ failed: number; split: number }> {
  const ids = batch.messages.map((m) => m.id);
  if (ids.length === 1) {
    return db.write(async (tx) => {
      const rows = await tx
        .update(mailOutbox)
        .set({ status: "failed", deliveryStatus: "failed", lastError: reason.slice(0, 1000), batchKey: null, lockedBy: null, lockedUntil: null })
        .where(and(eq(mailOutbox.id, ids[0]!), eq(mailOutbox.lockedBy, owner)))
        .returning({ invitationId: mailOutbox.invitationId });
      await syncInvitationDelivery(
        tx,
        rows.map((r) => r.invitationId),
      );
      return { failed: rows.length, split: 0 };
    });
  }
  const half = Math.ceil(ids.length / 2);
  let split = 0;
  await db.write(async (tx) => {
    for (const part of [ids.slice(0, half), ids.slice(half)]) {
      const rows = await tx
        .update(mailOutbox)
        .set({
          status: "queued",
          batchKey: newBatchKey(),
          attempts: sql`max(${mailOutbox.attempts} - 1, 0)`,
          nextAttemptAt: new Date(now),
          lastError: reason.slice(0, 1000),
          lockedBy: null,
          lockedUntil: null,
        })
        .where(and(inArray(mailOutbox.id, part), eq(mailOutbox.lockedBy, owner)))
        .returning({ id: mailOutbox.id });
      split += rows.length;
    }
  });
  return { failed: 0, split };
}

/** Stopping before the request went out: give the batch back untouched (key kept, attempt not counted). */
export async function releaseMailBatch(db: Db, owner: string, batch: ClaimedBatch): Promise<number> {
  return releaseLease(
    db,
    mailOutbox,
    batch.messages.map((m) => m.id),
    owner,
    { attempts: sql`max(${mailOutbox.attempts} - 1, 0)` },
  );
}

/** An invitation shows the delivery status of its latest email (ids are time-ordered). */
export async function syncInvitationDelivery(tx: Tx, invitationIds: (string | null)[]): Promise<void> {
  const ids = [...new Set(invitationIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return;
  await tx
    .update(invitations)
    .set({
      deliveryStatus: sql`coalesce((SELECT m.delivery_status FROM mail_outbox m WHERE m.invitation_id = ${invitations.id}
        ORDER BY m.id DESC LIMIT 1), 'queued')`,
    })
    .where(inArray(invitations.id, ids));
}
