// How an email is doing, as badges: where it is in the outbox, then what the provider reported.
import type { DeliveryStatus, MailStatus } from "../../src/db/schema.js";

const mailLabels: Record<MailStatus | "sending", [string, string]> = {
  queued: ["Queued", "badge-invited"],
  sending: ["Sending", "badge-invited"],
  sent: ["Sent", "badge-active"],
  failed: ["Failed", "badge-problem"],
  dead: ["Gave up", "badge-problem"],
  cancelled: ["Cancelled", "badge-archived"],
};

const deliveryLabels: Partial<Record<DeliveryStatus, [string, string]>> = {
  delivered: ["Delivered", "badge-active"],
  delivery_delayed: ["Delivery delayed", "badge-invited"],
  bounced: ["Bounced", "badge-problem"],
  complained: ["Marked as spam", "badge-problem"],
};

export function MailStatusBadges(props: { status: MailStatus; deliveryStatus: DeliveryStatus | null; lockedUntil: Date | null; lastError: string | null }) {
  const inFlight = props.status === "queued" && props.lockedUntil !== null && props.lockedUntil.getTime() > Date.now();
  const [label, cls] = mailLabels[inFlight ? "sending" : props.status];
  const delivery = props.deliveryStatus ? deliveryLabels[props.deliveryStatus] : undefined;
  return (
    <>
      <span class={`badge ${cls}`} title={props.lastError ?? undefined}>
        {label}
      </span>
      {delivery && <span class={`badge ${delivery[1]}`}>{delivery[0]}</span>}
    </>
  );
}

export const kindLabels: Record<string, string> = { invitation: "Invitation", reminder: "Reminder", archive_notice: "Access ended" };
export const kindLabel = (kind: string): string => kindLabels[kind] ?? kind;
