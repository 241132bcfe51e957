// What every mail transport is: it sends one batch per call and never throws for a provider's
// answer, reporting it as a union instead. Resend's (mail-resend.ts) and local mode's
// (mail-local.ts) implement it; mail.ts picks one.
export type OutgoingMail = { id: string; to: string; subject: string; html: string; text: string; idempotencyKey: string };

export type BatchOutcome =
  /** Accepted: one provider message id per message, in the order given. */
  | { ok: true; providerIds: string[] }
  /** 429: nothing was sent; try again after `retryAfterMs`. */
  | { ok: false; kind: "rate_limited"; retryAfterMs: number; message: string }
  /** 5xx, network, timeout, auth: may or may not have been sent; retry the same batch with the same key. */
  | { ok: false; kind: "retryable"; message: string; status: number | null }
  /** 400/422: the provider refused the request's content (for a batch: at least one message). */
  | { ok: false; kind: "invalid"; message: string; status: number | null }
  /** 409: the key was used with another payload: an earlier request with it was accepted (and sent). */
  | { ok: false; kind: "key_used"; message: string };

export interface MailTransport {
  readonly name: "resend" | "local" | (string & {});
  sendBatch(messages: OutgoingMail[], idempotencyKey: string): Promise<BatchOutcome>;
}
