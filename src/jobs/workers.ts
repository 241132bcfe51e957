// The background workers of one server process. Each feature registers its worker here.
import type { Deps } from "../context.js";
import { createMailTransport } from "../integrations/mail.js";
import { startMailWorker } from "./mail-worker.js";
import { startImportWorker } from "./import-worker.js";
import { startDirectorySyncWorker } from "./directory-sync-worker.js";
import { startWalCheckpointer } from "./wal-checkpointer.js";

type Worker = { stop(): Promise<void>; wake?(): void };

export function startWorkers(deps: Deps) {
  const running: Record<string, Worker> = {};
  if (deps.config.workers) {
    // First: the import worker hands its chunks to it.
    const checkpointer = startWalCheckpointer(deps.config.databaseUrl);
    if (checkpointer) running.checkpointer = checkpointer;
    // Workers are added by their issues: mail (outbox), imports, directory sync.
    running.mail = startMailWorker({
      db: deps.db, transport: createMailTransport(deps.config), config: deps.config, logger: deps.logger, leaseMs: deps.config.mailLeaseSeconds * 1000,
    });
    running.imports = startImportWorker({
      db: deps.db, publicUrl: deps.config.publicUrl, logger: deps.logger, leaseMs: deps.config.importLeaseSeconds * 1000,
      onInvited: () => running.mail?.wake?.(),
      ...(checkpointer ? { afterChunk: () => checkpointer.checkpoint() } : {}),
    });
    // Graph directory sync: a no-op in local mode (no Entra app registration).
    running.directory = startDirectorySyncWorker(deps);
  }
  return {
    wake(job: "mail" | "imports" | "directory") {
      running[job]?.wake?.();
    },
    async stop() {
      await Promise.all(Object.values(running).map((w) => w.stop()));
    },
  };
}
