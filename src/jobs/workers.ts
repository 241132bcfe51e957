// The background workers of one server process. Each feature registers its worker in `running`;
// stop() and problem() cover every registered worker, so a new one drains and reports with the rest.
import type { Deps } from "../context.js";
import { createMailTransport } from "../integrations/mail.js";
import { startMailWorker } from "./mail-worker.js";
import { processRequestsPerSecond } from "../domain/mail-rate.js";
import { startImportWorker } from "./import-worker.js";
import { startDirectorySyncWorker } from "./directory-sync-worker.js";
import { runsDatabaseThread, startDatabaseThread } from "./database-thread.js";
import { startSessionCleanupWorker } from "./session-cleanup-worker.js";
import { startReminderWorker } from "./reminder-worker.js";

/**
 * What every worker offers. stop(): finish the item in hand, give back every lease it holds, and
 * resolve. problem(): why it cannot work (null while it can); /readyz reports it.
 */
export type Worker = { stop(): Promise<void>; wake?(): void; problem?(): string | null };

export type Workers = {
  wake(job: "mail" | "imports" | "directory" | "reminders"): void;
  /** Why the workers are not working: stopping, or the first worker's problem; null while they run. */
  problem(): string | null;
  stop(): Promise<void>;
};

export function startWorkers(deps: Deps): Workers {
  const running: Record<string, Worker> = {};
  let stopping = false;
  if (deps.config.workers) {
    // First: the import worker checkpoints and reads ahead on it.
    // None for a libSQL server, nor with EMBEDDED_FAST_PATHS=false.
    const thread = !runsDatabaseThread(deps.config)
      ? null
      : startDatabaseThread(deps.config.databaseUrl, {
          onReady: () => deps.logger.debug("database thread ready"),
          // Then no checkpoint runs (the connections leave them to the thread): the WAL grows until a
          // restart, /readyz answers 503 with why, and validation reads on the event loop.
          onError: (error) => deps.logger.error({ err: error }, "database thread stopped"),
        });
    if (thread) running["database thread"] = thread;
    // The provider's rate is the account's: the WEB_CONCURRENCY processes pace their share of it each.
    const mailRequestsPerSecond = processRequestsPerSecond(deps.config);
    running.mail = startMailWorker({
      db: deps.db,
      transport: createMailTransport(deps.config),
      config: { ...deps.config, mailRequestsPerSecond },
      logger: deps.logger,
      leaseMs: deps.config.mailLeaseSeconds * 1000,
    });
    running.imports = startImportWorker({
      db: deps.db,
      publicUrl: deps.config.publicUrl,
      logger: deps.logger,
      leaseMs: deps.config.importLeaseSeconds * 1000,
      onInvited: () => running.mail?.wake?.(),
      ...(thread
        ? {
            afterChunk: (options: { waitPastPages?: number }) => thread.checkpoint(options),
            readAhead: (sql: string, args: unknown[]) => thread.read(sql, args),
          }
        : {}),
    });
    // Graph directory sync: a no-op in local mode (no Entra app registration).
    running.directory = startDirectorySyncWorker(deps);
    running.sessions = startSessionCleanupWorker(deps);
    running.reminders = startReminderWorker({ db: deps.db, publicUrl: deps.config.publicUrl, logger: deps.logger, onQueued: () => running.mail?.wake?.() });
  }
  return {
    wake(job) {
      running[job]?.wake?.();
    },
    problem() {
      if (stopping) return "the background workers are stopping";
      for (const [name, worker] of Object.entries(running)) {
        const problem = worker.problem?.();
        if (problem) return `the ${name} worker cannot work: ${problem}`;
      }
      return null;
    },
    async stop() {
      stopping = true;
      await Promise.all(Object.values(running).map((w) => w.stop()));
    },
  };
}
