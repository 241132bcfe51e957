// Delivery events from the provider's webhooks (after the route verified the signature): the
// status lands on the outbox row (found by provider message id) and on its invitation. Each
// webhook delivery id is recorded in the same transaction, so a replay changes nothing. A bounce
// keeps what the provider said (its message, capped) for the person's row on the Users page. An
// email the provider suppressed (the address bounced or complained before) never reaches the
// person either: it counts, and shows, as a bounce. A send the provider could not make at all
// (email.failed: a refused recipient, a quota) counts as failed.
// No org filter here: the caller is the provider, not a person, and a provider id names one row.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { mailOutbox, webhookEvents, type DeliveryStatus } from "../db/schema.js";
import { syncInvitationDelivery } from "./outbox-delivery.js";

const statusOfEvent: Record<string, DeliveryStatus> = {
  "email.delivered": "delivered",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.delivery_delayed": "delivery_delayed",
  "email.suppressed": "bounced",
  "email.failed": "failed",
};

/** Said on the row when the provider suppressed an email without saying why. */
export const SUPPRESSED_REASON = "The provider did not send it: the address is on its suppression list (an earlier bounce or spam complaint).";

/** Events arrive out of order: a later "delayed" must not hide "delivered", nor "sent" a bounce. */
const rank: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivery_delayed: 2, delivered: 3, failed: 4, bounced: 4, complained: 4 };

export type DeliveryEventOutcome =
  | { kind: "recorded"; status: DeliveryStatus; messageId: string }
  | { kind: "ignored"; reason: "event_type" | "unknown_message" | "older_than_current" }
  | { kind: "replay" };

/** The longest bounce message kept: providers quote the receiving server's answer, a line or two. */
export const BOUNCE_REASON_MAX = 500;

export async function recordDeliveryEvent(
  db: Db,
  input: { deliveryId: string; type: string; providerMessageId: string | undefined; bounceReason?: string | undefined },
): Promise<DeliveryEventOutcome> {
  return db.write(async (tx) => {
    const fresh = await tx.insert(webhookEvents).values({ id: input.deliveryId }).onConflictDoNothing().returning({ id: webhookEvents.id });
    if (fresh.length === 0) return { kind: "replay" } as const;
    const status = statusOfEvent[input.type];
    if (!status) return { kind: "ignored", reason: "event_type" } as const;
    if (!input.providerMessageId) return { kind: "ignored", reason: "unknown_message" } as const;
    const [row] = await tx
      .select({ id: mailOutbox.id, deliveryStatus: mailOutbox.deliveryStatus, invitationId: mailOutbox.invitationId })
      .from(mailOutbox)
      .where(eq(mailOutbox.providerId, input.providerMessageId))
      .limit(1);
    if (!row) return { kind: "ignored", reason: "unknown_message" } as const;
    if (row.deliveryStatus && rank[row.deliveryStatus] > rank[status]) return { kind: "ignored", reason: "older_than_current" } as const;
    const said = input.bounceReason?.trim().slice(0, BOUNCE_REASON_MAX) || null;
    const bounceReason = status === "bounced" ? (said ?? (input.type === "email.suppressed" ? SUPPRESSED_REASON : null)) : undefined;
    await tx.update(mailOutbox).set({ deliveryStatus: status, bounceReason }).where(eq(mailOutbox.id, row.id));
    await syncInvitationDelivery(tx, [row.invitationId]);
    return { kind: "recorded", status, messageId: row.id } as const;
  });
}
