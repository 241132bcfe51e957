// Queued work that outlives its reason: an invitation revoked (archive), replaced (invite again,
// a new link) or accepted after its email was queued. Those transactions cancel the queued email
// (outbox.ts); the worker checks a claimed batch once more right before it goes, since a claim
// can be made before the withdrawal commits.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import type { ClaimedBatch } from "./outbox-delivery.js";
import { syncInvitationDelivery } from "./outbox-delivery.js";

export const WITHDRAWN = "Not sent: its invitation was withdrawn (archived, replaced by a new link, or accepted) before it went out.";

/**
 * Drops from a claimed batch every message withdrawn since: cancelled, or its invitation revoked
 * or accepted (whether or not anything cancelled the email). They become `cancelled` and are let
 * go; they keep their batch key, so an answer about an earlier request with that key finds
 * them. Answers the batch to send, possibly empty.
 */
export async function withdrawFromBatch(db: Db, owner: string, batch: ClaimedBatch): Promise<{ batch: ClaimedBatch; withdrawn: number }> {
  const withdrawn = sql`locked_by = ${owner} AND (status = 'cancelled' OR (invitation_id IS NOT NULL AND EXISTS (SELECT 1 FROM invitations i
    WHERE i.id = mail_outbox.invitation_id AND (i.revoked_at IS NOT NULL OR i.accepted_at IS NOT NULL))))`;
  // A read first: almost always nothing was withdrawn, and a read takes no write lock.
  const found = await db.all<{ id: string }>(sql`SELECT id FROM mail_outbox
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(batch.messages.map((m) => m.id))})) AND ${withdrawn}`);
  if (found.length === 0) return { batch, withdrawn: 0 };
  const rows = await db.write((tx) =>
    tx.all<{ id: string }>(sql`UPDATE mail_outbox SET status = 'cancelled', locked_by = NULL, locked_until = NULL,
      last_error = CASE WHEN status = 'cancelled' THEN last_error ELSE ${WITHDRAWN} END
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(found.map((r) => r.id))})) AND ${withdrawn}
    RETURNING id`),
  );
  const gone = new Set(rows.map((r) => r.id));
  return { batch: { ...batch, messages: batch.messages.filter((m) => !gone.has(m.id)) }, withdrawn: gone.size };
}

/**
 * The provider refused the batch's key as used with another payload: an earlier request with
 * this key was accepted, so the messages still claimed were sent by it (no provider ids: the
 * provider gave them to that request). Messages withdrawn from the batch since may have gone
 * with it too, or been withdrawn before it: they stay cancelled, and say so.
 */
export async function recordEarlierRequestSent(db: Db, owner: string, batchKey: string, now = Date.now()): Promise<number> {
  return db.write(async (tx) => {
    const rows = await tx.all<{ invitation_id: string | null }>(sql`UPDATE mail_outbox SET status = 'sent', sent_at = ${now}, batch_key = NULL,
        locked_by = NULL, locked_until = NULL, delivery_status = coalesce(delivery_status, 'sent'),
        last_error = 'Sent by an earlier request with the same Idempotency-Key (the provider answered that the key was used).'
      WHERE status = 'queued' AND batch_key = ${batchKey} AND locked_by = ${owner}
      RETURNING invitation_id`);
    await tx.run(sql`UPDATE mail_outbox SET batch_key = NULL,
        last_error = 'Withdrawn; an earlier request with the same Idempotency-Key was accepted, and may have carried it before the withdrawal.'
      WHERE status = 'cancelled' AND batch_key = ${batchKey}`);
    await syncInvitationDelivery(
      tx,
      rows.map((r) => r.invitation_id),
    );
    return rows.length;
  });
}
