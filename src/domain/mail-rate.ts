// How fast invitation emails leave, from the same settings the mail worker paces by: the provider's
// MAIL_REQUESTS_PER_SECOND is the account's, shared by the WEB_CONCURRENCY processes (each paces
// its share); every request carries a batch of up to MAX_BATCH emails; the pacer leaves a little
// slack between requests (paceIntervalMs). The mail progress estimates the time left from it.
import { MAX_BATCH } from "./outbox-delivery.js";

export type MailRateSettings = { mailRequestsPerSecond: number; webConcurrency: number };

/** The requests a second one server process may start: its share of the account's rate. */
export function processRequestsPerSecond(settings: MailRateSettings): number {
  return settings.mailRequestsPerSecond / settings.webConcurrency;
}

/** Milliseconds between a process's request starts: 4 % + 10 ms over 1000/rps, since the provider
 *  counts arrivals, which network jitter can bunch up. */
export function paceIntervalMs(requestsPerSecond: number): number {
  return (1000 / requestsPerSecond) * 1.04 + 10;
}

/** Emails a second the whole server sends at most: every process's paced requests, full batches. */
export function serverEmailsPerSecond(settings: MailRateSettings): number {
  return (settings.webConcurrency * MAX_BATCH * 1000) / paceIntervalMs(processRequestsPerSecond(settings));
}
