// Deletes expired sessions (past their expiry, or older than SESSION_MAX_HOURS) shortly after
// start-up and then every hour. One DELETE, harmless to run in several processes at once.
import type { Deps } from "../context.js";
import { deleteExpiredSessions } from "../auth/session.js";

export type SessionCleanupWorker = { stop(): Promise<void> /** One pass now (tests). */; runOnce(): Promise<number> };

export function startSessionCleanupWorker(
  deps: Pick<Deps, "db" | "config" | "logger">,
  options: { firstMs?: number; everyMs?: number } = {},
): SessionCleanupWorker {
  const { db, config, logger } = deps;
  const everyMs = options.everyMs ?? 60 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<number> | null = null;
  let stopped = false;

  const runOnce = async (): Promise<number> => {
    try {
      const deleted = await deleteExpiredSessions(db, { maxHours: config.sessionMaxHours });
      if (deleted > 0) logger.info({ deleted }, "expired sessions deleted");
      return deleted;
    } catch (error) {
      logger.error({ err: { message: (error as Error).message } }, "deleting expired sessions failed");
      return 0;
    }
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      current = runOnce().finally(() => {
        current = null;
        if (!stopped) schedule(everyMs);
      });
    }, ms).unref();
  };
  schedule(options.firstMs ?? 1_000);
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
