// The background workers of one server process. Each feature registers its worker here.
import type { Deps } from "../context.js";
import { createMailTransport } from "../integrations/mail.js";
import { startMailWorker } from "./mail-worker.js";
import { startImportWorker } from "./import-worker.js";
import { startDirectorySyncWorker } from "./directory-sync-worker.js";
import { startDatabaseThread } from "./database-thread.js";
import { startSessionCleanupWorker } from "./session-cleanup-worker.js";
import { startReminderWorker } from "./reminder-worker.js";

type Worker = { stop(): Promise<void>; wake?(): void };

export function startWorkers(deps: Deps) {
  const running: Record<string, Worker> = {};
  if (deps.config.workers) {
    // First: the import worker checkpoints and reads ahead on it.
    const thread = startDatabaseThread(deps.config.databaseUrl);
    if (thread) running.databaseThread = thread;
    // Workers are added by their issues: mail (outbox), imports, directory sync.
    running.mail = startMailWorker({
      db: deps.db, transport: createMailTransport(deps.config), config: deps.config, logger: deps.logger, leaseMs: deps.config.mailLeaseSeconds * 1000,
    });
    running.imports = startImportWorker({
      db: deps.db, publicUrl: deps.config.publicUrl, logger: deps.logger, leaseMs: deps.config.importLeaseSeconds * 1000,
      onInvited: () => running.mail?.wake?.(),
      ...(thread ? { afterChunk: () => thread.checkpoint(), readAhead: (sql: string, args: unknown[]) => thread.read(sql, args) } : {}),
    });
    // Graph directory sync: a no-op in local mode (no Entra app registration).
    running.directory = startDirectorySyncWorker(deps);
    running.sessions = startSessionCleanupWorker(deps);
    running.reminders = startReminderWorker({ db: deps.db, publicUrl: deps.config.publicUrl, logger: deps.logger, onQueued: () => running.mail?.wake?.() });
  }
  return {
    wake(job: "mail" | "imports" | "directory" | "reminders") {
      running[job]?.wake?.();
    },
    async stop() {
      await Promise.all(Object.values(running).map((w) => w.stop()));
    },
  };
}
