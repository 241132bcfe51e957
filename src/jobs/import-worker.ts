// The import worker: claims one import under a lease (queued -> validating), validates it a
// chunk at a time, and runs Send Invite when asked (sending). Every chunk renews the lease in the
// same transaction that records it; a process killed mid-job leaves a lease that expires, and the
// next worker resumes at the import's cursor. stop() finishes the chunk in hand and gives the
// lease back so another process can carry on at once.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { isBusyError } from "../db/write-queue.js";
import { imports, organizations } from "../db/schema.js";
import { sweepAbandonedUploads, UPLOAD_OWNER } from "../domain/import-upload.js";
import { sendImportChunk } from "../domain/import-send.js";
import type { ValidationContext } from "../domain/import-validation-context.js";
import { validateImportChunk } from "../domain/import-validation.js";
import { claimLease, newLeaseOwner, releaseLease } from "../db/leases.js";
import { yieldToEventLoop } from "../event-loop.js";
import { drainJobs, startPollingLoop, type LeasedJobOptions, type PollingWorker } from "./polling-loop.js";

/** `chunkSize`: rows per validation chunk (one short statement each way). */
export type ImportWorkerOptions = LeasedJobOptions & {
  /** Rows per Send Invite part (a few short statements), and per transaction (its parts commit together). */
  sendChunkSize?: number;
  sendTransactionRows?: number;
  /** A Send Invite transaction takes no new part after this long (ms); default SEND_TRANSACTION_MS. */
  sendTransactionMs?: number;
  /**
   * How long one validation chunk may hold the event loop (ms). A chunk is one synchronous
   * stretch of database work, so requests wait for it: the chunk size follows the time the last
   * one took. Unset: a fixed size. (Send Invite chunks have a fixed size: see runImport.)
   */
  chunkBudgetMs?: number;
  /** Called after a Send Invite chunk queued invitation emails (wakes the mail worker). */
  onInvited?: () => void;
  /**
   * Awaited after every chunk: the database thread (database-thread.ts) copies the chunk into
   * the database file off the event loop, so the next chunk starts a fresh WAL and no commit
   * of ours checkpoints on the loop. It also paces the job to what the disk takes. A Send Invite
   * passes `waitPastPages` (SEND_WAL_PAGES): its transactions are big, and the copy of one runs
   * beside the next until the WAL holds that many pages.
   */
  afterChunk?: (options: { waitPastPages?: number }) => Promise<void>;
  /** A read on another thread: validation reads its next chunk there while this one is judged and written. */
  readAhead?: ValidationContext["readAhead"];
};

export type ImportWorker = PollingWorker;

const MAX_FAILURES = 5;
/** A Send Invite gives its lease back this often, so an upload made meanwhile is checked without waiting for it. */
const SEND_SLICE_MS = 2000;
/** A Send Invite transaction takes no new part after this long: other writers, a drain and the
 *  progress shown (the counts move at each commit) wait at most about this. */
const SEND_TRANSACTION_MS = 1500;
/** A Send Invite waits for the checkpoint between its transactions only once the WAL holds this
 *  many pages (64 MB of 4 KB pages; a transaction of 1.5 s writes about 50 MB): below it the
 *  copy runs on the database thread while the next transaction writes. */
const SEND_WAL_PAGES = 16_384;

/** Claims the oldest import with work to do and a free lease; null when there is none. */
export async function claimImport(db: Db, owner: string, leaseMs: number) {
  return claimLease(db, imports, {
    where: and(inArray(imports.status, ["queued", "validating", "sending"]), sql`coalesce(${imports.lockedBy}, '') <> ${UPLOAD_OWNER}`),
    owner,
    leaseMs,
    // Checking a new upload comes before a long Send Invite, which works in time slices (runImport).
    orderBy: [sql`${imports.status} = 'sending'`, imports.createdAt],
    set: { status: sql`CASE WHEN ${imports.status} = 'queued' THEN 'validating' ELSE ${imports.status} END` },
  });
}

/** Runs one claimed import until its phase is done, its time slice ends (sending), the lease is lost, or `stopping` says so. */
/** The next chunk size: scaled to the time budget, at most halved or doubled at once, within bounds. */
export function nextChunkSize(size: number, elapsedMs: number, budgetMs: number, bounds: { min: number; max: number }): number {
  const scaled = Math.round(size * (budgetMs / Math.max(1, elapsedMs)));
  return Math.max(bounds.min, Math.min(bounds.max, size * 2, Math.max(Math.floor(size / 2), scaled)));
}

async function runImport(
  options: ReturnType<typeof withDefaults>,
  job: typeof imports.$inferSelect,
  stopping: () => boolean,
  logger: ImportWorkerOptions["logger"],
  onInvited?: () => void,
): Promise<void> {
  const { db, owner } = options;
  let context: ValidationContext | undefined;
  const cursor = { id: job.id, orgId: job.orgId, cursorRow: job.cursorRow };
  let failures = 0;
  let validateSize = options.chunkSize;
  const sendSize = options.sendChunkSize;
  const sliceEnds = performance.now() + SEND_SLICE_MS;
  for (;;) {
    if (stopping() || (job.status === "sending" && performance.now() > sliceEnds)) {
      await releaseLease(db, imports, job.id, owner);
      return;
    }
    try {
      let result: "more" | "done" | "lost";
      if (job.status === "validating") {
        if (!context) {
          const [org] = await db.select({ domains: organizations.domains }).from(organizations).where(eq(organizations.id, job.orgId));
          context = { orgDomains: (org?.domains ?? []).map((d) => d.toLowerCase()), ...(options.readAhead ? { readAhead: options.readAhead } : {}) };
        }
        const started = performance.now();
        result = await validateImportChunk(db, cursor, owner, context, { chunkSize: validateSize, leaseMs: options.leaseMs });
        if (options.chunkBudgetMs) validateSize = nextChunkSize(validateSize, performance.now() - started, options.chunkBudgetMs, { min: 50, max: 2000 });
      } else {
        // A transaction of many parts: each part is a few short statements with the event loop free
        // between them, and the parts commit together, so each index page a part touches is written
        // once per transaction, not once per part. Its COMMIT only writes the WAL (the database
        // thread checkpoints: openDatabase's autoCheckpoint), and afterChunk waits for that
        // checkpoint, so the next transaction starts a fresh WAL.
        result = await sendImportChunk(db, job.id, owner, {
          chunkSize: sendSize,
          transactionRows: options.sendTransactionRows,
          transactionMs: options.sendTransactionMs,
          leaseMs: options.leaseMs,
          publicUrl: options.publicUrl,
        });
        if (result === "more") onInvited?.();
      }
      failures = 0;
      if (result === "lost") logger?.warn({ importId: job.id }, "import lease lost; another worker carries on");
      if (result !== "more") return;
    } catch (error) {
      // A busy database is worth waiting for; anything else gets a few tries, then the import fails.
      if (!isBusyError(error) && ++failures >= MAX_FAILURES) {
        logger?.error({ importId: job.id, err: { message: (error as Error).message } }, "import failed");
        await releaseLease(db, imports, job.id, owner, {
          status: "failed",
          failureMessage: "The import stopped because of an error on our side. Upload the file again; if it happens again, contact support.",
          finishedAt: new Date(),
        });
        return;
      }
      // Re-read the cursor: the failed chunk may or may not have been recorded.
      const [fresh] = await db
        .select({ cursorRow: imports.cursorRow })
        .from(imports)
        .where(eq(imports.id, job.id))
        .catch(() => []);
      if (fresh) cursor.cursorRow = fresh.cursorRow;
      await new Promise((resolve) => setTimeout(resolve, isBusyError(error) ? 10 + Math.random() * 40 : 500));
    }
    await (options.afterChunk?.(job.status === "sending" ? { waitPastPages: SEND_WAL_PAGES } : {}) ?? yieldToEventLoop());
  }
}

const withDefaults = (input: ImportWorkerOptions) => ({
  db: input.db,
  publicUrl: input.publicUrl,
  owner: input.owner ?? newLeaseOwner("imports"),
  leaseMs: input.leaseMs ?? 15_000,
  chunkSize: input.chunkSize ?? 500,
  sendChunkSize: input.sendChunkSize ?? 500,
  sendTransactionRows: input.sendTransactionRows ?? 10_000,
  sendTransactionMs: input.sendTransactionMs ?? SEND_TRANSACTION_MS,
  chunkBudgetMs: input.chunkBudgetMs,
  afterChunk: input.afterChunk,
  readAhead: input.readAhead,
});

/** Runs imports with work to do until none is left; answers how many it ran (tests call it; the worker loops the same way). */
export async function drainImports(input: ImportWorkerOptions): Promise<number> {
  const options = withDefaults(input);
  return drainJobs(
    () => claimImport(options.db, options.owner, options.leaseMs),
    (job) => runImport(options, job, () => false, input.logger, input.onInvited),
  );
}

export function startImportWorker(input: ImportWorkerOptions): ImportWorker {
  const options = withDefaults({ chunkBudgetMs: 25, ...input });
  const idleMs = input.idleMs ?? 1000;
  let lastSweep = 0;
  return startPollingLoop({
    idleMs,
    async pass(stopping) {
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await sweepAbandonedUploads(options.db);
      }
      const job = await claimImport(options.db, options.owner, options.leaseMs);
      if (!job) return "idle";
      await runImport(options, job, stopping, input.logger, input.onInvited);
      return "worked";
    },
    failed(error) {
      if (!isBusyError(error)) input.logger?.error({ err: { message: (error as Error).message } }, "import worker error");
      return isBusyError(error) ? 50 : idleMs;
    },
  });
}
