// The mail worker: claim a batch of due outbox rows under a lease, send it as one provider
// request, record the answer. Requests are paced to MAIL_REQUESTS_PER_SECOND for this process; a
// 429 pauses the pace for Retry-After. stop() lets the in-flight batch finish and gives back a
// batch claimed but not yet sent.
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { claimMailBatch, recordBatchInvalid, recordBatchRetry, recordBatchSent, releaseMailBatch } from "../domain/outbox-delivery.js";
import { recordEarlierRequestSent, withdrawFromBatch } from "../domain/outbox-withdrawal.js";
import type { MailTransport } from "../integrations/mail.js";
import { createPacer, type Pacer } from "./pacer.js";
import { newLeaseOwner } from "../db/leases.js";
import { startPollingLoop, type PollingWorker } from "./polling-loop.js";

export type MailWorkerDeps = {
  db: Db;
  transport: MailTransport;
  config: Pick<Config, "mailRequestsPerSecond" | "mailMaxAttempts">;
  logger?: Pick<Logger, "info" | "warn" | "error"> | undefined;
  owner?: string;
  pacer?: Pacer;
  /** How long a claimed batch is ours; longer than the transport's request timeout (30 s). */
  leaseMs?: number;
  /** First retry delay after a 5xx or network error (default 10 s); doubles per attempt, with
   * jitter, so the default 8 attempts span about 10-20 minutes of provider trouble. */
  retryBaseMs?: number;
  signal?: AbortSignal;
};

export type DrainResult = {
  /** withdrawn: every message of the batch was withdrawn before it went (nothing was sent). */
  outcome: "idle" | "sent" | "rate_limited" | "retryable" | "invalid" | "released" | "withdrawn";
  claimed: number;
  sent: number;
  failed: number;
  split: number;
  retrying: number;
  dead: number;
  withdrawn: number;
  batchKey?: string;
};

const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;

/** Exponential backoff with jitter: base·2^(attempt-1), capped, then a random 50–100 % of it. */
export function backoffMs(attempt: number, baseMs = 10_000): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Claims and sends at most one batch. Tests call it directly; the worker loops over it. */
export async function drainMailOnce(deps: MailWorkerDeps): Promise<DrainResult> {
  const { db, transport, config } = deps;
  const owner = deps.owner ?? newLeaseOwner("mail");
  const pacer = deps.pacer ?? createPacer(config.mailRequestsPerSecond);
  const empty = { claimed: 0, sent: 0, failed: 0, split: 0, retrying: 0, dead: 0, withdrawn: 0 };
  const claimed = await claimMailBatch(db, owner, { leaseMs: deps.leaseMs ?? LEASE_MS });
  if (!claimed) return { outcome: "idle", ...empty };
  const result = { ...empty, claimed: claimed.messages.length, batchKey: claimed.batchKey };
  await pacer.take(deps.signal);
  if (deps.signal?.aborted) {
    await releaseMailBatch(db, owner, claimed);
    return { outcome: "released", ...result };
  }
  // Right before it goes: an invitation withdrawn since the claim takes its email with it.
  const { batch, withdrawn } = await withdrawFromBatch(db, owner, claimed);
  result.withdrawn = withdrawn;
  if (batch.messages.length === 0) return { outcome: "withdrawn", ...result };
  const answer = await transport.sendBatch(batch.messages, batch.batchKey);
  if (!answer.ok && answer.kind === "key_used") {
    result.sent = await recordEarlierRequestSent(db, owner, batch.batchKey);
    deps.logger?.warn({ batchKey: batch.batchKey, sent: result.sent }, "mail batch key already used: an earlier request with it was sent");
    return { outcome: "sent", ...result };
  }
  if (answer.ok) {
    result.sent = await recordBatchSent(db, owner, batch, answer.providerIds);
    if (result.sent < batch.messages.length)
      deps.logger?.warn({ batchKey: batch.batchKey }, "mail batch lease lost before recording; the next owner records it");
    return { outcome: "sent", ...result };
  }
  if (answer.kind === "invalid") {
    const { failed, split } = await recordBatchInvalid(db, owner, batch, answer.message);
    deps.logger?.warn({ batchKey: batch.batchKey, size: batch.messages.length, failed, reason: answer.message }, "mail batch refused as invalid");
    return { outcome: "invalid", ...result, failed, split };
  }
  const attempt = Math.max(...batch.messages.map((m) => m.attempts));
  const rateLimited = answer.kind === "rate_limited";
  const delayMs = rateLimited ? answer.retryAfterMs : backoffMs(attempt, deps.retryBaseMs);
  if (rateLimited) pacer.pause(answer.retryAfterMs);
  const { dead, retrying } = await recordBatchRetry(db, owner, batch, {
    error: answer.message,
    delayMs,
    maxAttempts: config.mailMaxAttempts,
    countAttempt: !rateLimited,
  });
  deps.logger?.warn({ batchKey: batch.batchKey, kind: answer.kind, delayMs, dead, error: answer.message }, "mail batch will be retried");
  return { outcome: answer.kind, ...result, dead, retrying };
}

export type MailWorker = PollingWorker;

export function startMailWorker(deps: Omit<MailWorkerDeps, "signal"> & { idleMs?: number }): MailWorker {
  const owner = deps.owner ?? newLeaseOwner("mail");
  const pacer = deps.pacer ?? createPacer(deps.config.mailRequestsPerSecond);
  const stopping = new AbortController();
  const idleMs = deps.idleMs ?? 1000;
  return startPollingLoop({
    idleMs,
    async pass() {
      await pacer.untilFree(stopping.signal);
      if (stopping.signal.aborted) return "worked";
      const r = await drainMailOnce({ ...deps, owner, pacer, signal: stopping.signal });
      return r.outcome === "idle" ? "idle" : "worked";
    },
    failed(error) {
      // A busy database or a bug: log it, wait, go on. Leases expire if we never come back.
      deps.logger?.error({ err: { message: (error as Error).message } }, "mail worker error");
      return idleMs;
    },
    // Ends the pacer's wait at once, and tells the batch in hand (drainMailOnce's signal) to give back what it has not sent.
    onStop: () => stopping.abort(),
  });
}
