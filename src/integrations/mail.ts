// One interface for sending email (mail-transport.ts), two transports: Resend (RESEND_API_KEY set)
// and local (the default: messages stay in mail_outbox and are shown at GET /outbox).
import type { Config } from "../config.js";
import { createLocalTransport } from "./mail-local.js";
import { createResendTransport } from "./mail-resend.js";
import type { MailTransport } from "./mail-transport.js";

export function createMailTransport(config: Pick<Config, "resend" | "mailFrom">): MailTransport {
  if (config.resend) return createResendTransport({ apiKey: config.resend.apiKey, baseUrl: config.resend.baseUrl, from: config.mailFrom });
  return createLocalTransport();
}

export { createLocalTransport, createResendTransport };
export type { BatchOutcome, MailTransport, OutgoingMail } from "./mail-transport.js";
