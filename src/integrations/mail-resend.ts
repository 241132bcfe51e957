// Resend through its SDK: one batch request (up to 100 emails) per call, with an Idempotency-Key.
// The SDK never throws: it answers { data, error, headers }. `error.statusCode` comes from
// Resend's JSON error body (or the HTTP status when the body is not JSON; null for network
// errors) and `headers` carries Retry-After on a 429. The base URL is passed to the
// constructor (`new Resend(key, { baseUrl })`), so process.env is never touched.
import { Resend } from "resend";
import type { BatchOutcome, MailTransport } from "./mail-transport.js";

export type ResendTransportOptions = { apiKey: string; baseUrl?: string | undefined; from: string; timeoutMs?: number };

const INVALID = new Set(["validation_error", "missing_required_field", "invalid_parameter", "invalid_attachment"]);

export function createResendTransport(options: ResendTransportOptions): MailTransport {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    name: "resend",
    async sendBatch(messages, idempotencyKey) {
      const payload = messages.map((m) => ({ from: options.from, to: [m.to], subject: m.subject, html: m.html, text: m.text }));
      const { data, error, headers } = await resend.batch.send(payload, {
        idempotencyKey,
        batchValidation: "strict",
        // A hung request ends as a network error; the batch is retried with the same key.
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (error) return classifyError(error, headers);
      const ids = data?.data?.map((d) => d.id) ?? [];
      if (ids.length !== messages.length || ids.some((id) => typeof id !== "string" || id === "")) {
        return { ok: false, kind: "retryable", status: null, message: `Resend answered ${ids.length} ids for ${messages.length} emails` };
      }
      return { ok: true, providerIds: ids };
    },
  };
}

function classifyError(error: { message: string; statusCode: number | null; name: string }, headers: Record<string, string> | null): BatchOutcome {
  const status = typeof error.statusCode === "number" ? error.statusCode : null;
  const message = `${error.name}${status ? ` (${status})` : ""}: ${error.message}`;
  if (status === 429 || error.name === "rate_limit_exceeded" || error.name.endsWith("_quota_exceeded")) {
    return { ok: false, kind: "rate_limited", retryAfterMs: parseRetryAfter(headers?.["retry-after"]) ?? 1000, message };
  }
  // The batch changed since a request with its key was accepted (a message was withdrawn): that request was sent.
  if (error.name === "invalid_idempotent_request") return { ok: false, kind: "key_used", message };
  // A wrong sender address is our configuration, not the message: retry (and end dead) rather than fail each one.
  if (error.name === "invalid_from_address") return { ok: false, kind: "retryable", status, message };
  if (status === 400 || status === 422 || (status === null && INVALID.has(error.name))) {
    return { ok: false, kind: "invalid", status, message: error.message };
  }
  return { ok: false, kind: "retryable", status, message };
}

/** Retry-After is whole seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
