// POST /webhooks/resend: Resend delivery events, signed the Svix way. No session and no CSRF
// origin check (the CSRF middleware skips /webhooks/): the signature is the authentication.
// Answers: 400 missing or malformed headers/body; 401 a signature that does not verify (also a
// timestamp outside the SDK's 5-minute tolerance, which is how an old replay fails); 409 a
// replay of a delivery id we already processed (its signature may be valid, it changes nothing);
// 404 when RESEND_WEBHOOK_SECRET is not set; 200 otherwise, including unknown message ids. The
// body is limited (WEBHOOK_MAX_BYTES, 413) while it streams, by the app's body limit (body-limit.tsx).
import { Hono } from "hono";
import { Resend } from "resend";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { recordDeliveryEvent } from "../domain/delivery-events.js";

export function webhookRoutes(deps: { db: Db; config: Pick<Config, "resendWebhookSecret"> }) {
  // verify() needs no API key; the constructor insists on one, so give it a placeholder.
  const resend = new Resend("re_webhook_verification_only");
  return new Hono().post("/resend", async (c) => {
    const secret = deps.config.resendWebhookSecret;
    if (!secret) return c.json({ error: "Resend webhooks are not configured (RESEND_WEBHOOK_SECRET)" }, 404);
    const id = c.req.header("svix-id");
    const timestamp = c.req.header("svix-timestamp");
    const signature = c.req.header("svix-signature");
    if (!id || !timestamp || !signature) return c.json({ error: "missing svix-id, svix-timestamp or svix-signature" }, 400);
    const payload = await c.req.text();
    let event: { type: string; data?: { email_id?: string; bounce?: ProviderReason; suppressed?: ProviderReason } };
    try {
      event = resend.webhooks.verify({ payload, headers: { id, timestamp, signature }, webhookSecret: secret }) as typeof event;
    } catch {
      return c.json({ error: "signature does not verify" }, 401);
    }
    if (typeof event?.type !== "string") return c.json({ error: "not a Resend event" }, 400);
    const outcome = await recordDeliveryEvent(deps.db, {
      deliveryId: id,
      type: event.type,
      providerMessageId: event.data?.email_id,
      bounceReason: reasonOf(event.data?.bounce ?? event.data?.suppressed),
    });
    if (outcome.kind === "replay") return c.json({ error: "this delivery was already processed" }, 409);
    return c.json(outcome.kind === "recorded" ? { recorded: outcome.status } : { ignored: outcome.reason }, 200);
  });
}

type ProviderReason = { message?: unknown; type?: unknown; subType?: unknown };

/** What the provider said about a bounce or a suppressed email: its message, else its type and subtype ("Permanent, Suppressed"). */
function reasonOf(said: ProviderReason | undefined): string | undefined {
  if (!said || typeof said !== "object") return undefined;
  if (typeof said.message === "string" && said.message.trim() !== "") return said.message;
  const kinds = [said.type, said.subType].filter((k): k is string => typeof k === "string" && k !== "");
  return kinds.length > 0 ? kinds.join(", ") : undefined;
}
