// A Resend stand-in on 127.0.0.1 for the real `resend` SDK (`new Resend(key, { baseUrl })`).
// POST /emails/batch behaves like Resend's: Bearer key required, at most 100 emails, strict batch
// validation (one bad email fails the whole batch with 422), Idempotency-Key replays a successful
// answer for the same body without sending again (409 for the same key with another body), and
// a sliding one-second rate limit answered with 429 + Retry-After. Tests can script 429 / 500
// answers and addresses to refuse, and read every request and every email actually delivered.
import { createHash, createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type StandInRequest = {
  at: number;
  path: string;
  idempotencyKey: string | null;
  emails: number;
  status: number;
  replayed: boolean;
  validation: string | null;
};
export type StandInDelivery = { id: string; from: string; to: string; subject: string; html: string; text: string; idempotencyKey: string };
type Scripted = { status: 429; retryAfter: string } | { status: 500 };

export type ResendStandIn = {
  url: string;
  apiKey: string;
  requests: StandInRequest[];
  deliveries: StandInDelivery[];
  /** The next `times` requests answer this (429 with Retry-After, or 500), before anything else. */
  failNext(answer: Scripted, times?: number): void;
  /** Any batch holding this address is refused with 422 (strict validation). */
  rejectAddress(address: string, reason?: string): void;
  /** How many 429s the sliding-window limit gave (scripted ones not counted). */
  rateLimited(): number;
  close(): Promise<void>;
};

export async function startResendStandIn(options: { apiKey?: string; requestsPerSecond?: number } = {}): Promise<ResendStandIn> {
  const apiKey = options.apiKey ?? "re_test_key";
  const requests: StandInRequest[] = [];
  const deliveries: StandInDelivery[] = [];
  const scripted: Scripted[] = [];
  const rejected = new Map<string, string>();
  const remembered = new Map<string, { bodyHash: string; answer: unknown }>();
  const windowStarts: number[] = [];
  let limited = 0;

  const server = createServer(async (req, res) => {
    const at = performance.now();
    const body = await readBody(req);
    const key = header(req, "idempotency-key");
    const log = (status: number, emails = 0, replayed = false) =>
      requests.push({ at, path: req.url ?? "", idempotencyKey: key, emails, status, replayed, validation: header(req, "x-batch-validation") });
    if (req.method !== "POST" || req.url !== "/emails/batch") return fail(res, log, 404, "not_found", "Not found");
    if (req.headers.authorization !== `Bearer ${apiKey}`) return fail(res, log, 401, "invalid_api_key", "API key is invalid");
    if (!key) return fail(res, log, 400, "invalid_idempotency_key", "This stand-in requires an Idempotency-Key");
    if (options.requestsPerSecond !== undefined) {
      while (windowStarts.length && windowStarts[0]! <= at - 1000) windowStarts.shift();
      if (windowStarts.length >= options.requestsPerSecond) {
        limited++;
        res.setHeader("Retry-After", "1");
        return fail(res, log, 429, "rate_limit_exceeded", "Too many requests");
      }
      windowStarts.push(at);
    }
    const next = scripted.shift();
    if (next?.status === 429) {
      res.setHeader("Retry-After", next.retryAfter);
      return fail(res, log, 429, "rate_limit_exceeded", "Too many requests (scripted)");
    }
    if (next?.status === 500) return fail(res, log, 500, "internal_server_error", "Scripted failure");
    let emails: Array<Record<string, unknown>>;
    try {
      emails = JSON.parse(body);
    } catch {
      return fail(res, log, 400, "validation_error", "Body is not JSON");
    }
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 100) {
      return fail(res, log, 422, "validation_error", "A batch holds 1 to 100 emails", emails?.length ?? 0);
    }
    const bodyHash = createHash("sha256").update(body).digest("hex");
    const previous = remembered.get(key);
    if (previous) {
      if (previous.bodyHash !== bodyHash)
        return fail(res, log, 409, "invalid_idempotent_request", "Same idempotency key used with a different payload", emails.length);
      log(200, emails.length, true);
      return send(res, 200, previous.answer);
    }
    for (const [index, email] of emails.entries()) {
      const to = Array.isArray(email.to) ? (email.to as string[]) : [String(email.to)];
      const problem = !email.from
        ? "The `from` field is missing"
        : !email.subject
          ? "The `subject` field is missing"
          : to.map((a) => rejected.get(a.toLowerCase())).find(Boolean);
      if (problem) return fail(res, log, 422, "validation_error", `emails[${index}]: ${problem}`, emails.length);
    }
    const data = emails.map((email) => {
      const id = randomUUID();
      const to = Array.isArray(email.to) ? (email.to as string[]) : [String(email.to)];
      for (const address of to) {
        deliveries.push({
          id,
          from: String(email.from),
          to: address,
          subject: String(email.subject),
          html: String(email.html ?? ""),
          text: String(email.text ?? ""),
          idempotencyKey: key,
        });
      }
      return { id };
    });
    const answer = { data };
    remembered.set(key, { bodyHash, answer });
    log(200, emails.length);
    return send(res, 200, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    deliveries,
    failNext(answer, times = 1) {
      for (let i = 0; i < times; i++) scripted.push(answer);
    },
    rejectAddress(address, reason = `Invalid \`to\` field. The email address needs to follow the \`email@example.com\` format: ${address}`) {
      rejected.set(address.toLowerCase(), reason);
    },
    rateLimited: () => limited,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Signs a webhook the way Resend (Svix) does: HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed by the secret after `whsec_`. */
export function signWebhook(secret: string, body: string, id = `msg_${randomUUID()}`, timestamp = Math.floor(Date.now() / 1000)) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "svix-id": id, "svix-timestamp": String(timestamp), "svix-signature": `v1,${signature}` };
}

export const newWebhookSecret = (): string => `whsec_${Buffer.from(randomUUID() + randomUUID()).toString("base64")}`;

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === "string" && v !== "" ? v : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, value: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(value));
}

function fail(res: ServerResponse, log: (status: number, emails?: number) => void, status: number, name: string, message: string, emails = 0) {
  log(status, emails);
  send(res, status, { statusCode: status, name, message });
}
