// Runs directory syncs: "Sync now" requests as soon as it is woken, and every organization with
// a tenant id every DIRECTORY_SYNC_MINUTES (0 = only on request). The lease in directory_syncs
// keeps two processes from syncing the same organization at once. Does nothing in local mode.
import type { Deps } from "../context.js";
import { eq } from "drizzle-orm";
import { organizations } from "../db/schema.js";
import { findOrganizationsToSync, syncDirectory } from "../domain/directory-sync.js";
import { createGraphClient } from "../integrations/graph.js";

export type DirectorySyncWorker = { wake(): void; stop(): Promise<void> /** One pass now (tests). */; runOnce(): Promise<void> };

export function startDirectorySyncWorker(deps: Deps, options: { pollMs?: number } = {}): DirectorySyncWorker {
  const { db, config, logger } = deps;
  const pollMs = options.pollMs ?? 60_000;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  const syncOne = async (orgId: string, trigger: "manual" | "schedule") => {
    const [org] = await db.select({ id: organizations.id, tenantId: organizations.tenantId }).from(organizations).where(eq(organizations.id, orgId));
    if (!org?.tenantId) return;
    const notStartedSince = trigger === "schedule" ? new Date(Date.now() - config.directorySyncMinutes * 60_000) : undefined;
    const result = await syncDirectory(db, org, createGraphClient(config, org.tenantId), trigger, { signal: abort.signal, notStartedSince });
    if (result.status === "failed") logger.warn({ orgId, trigger, syncId: result.syncId, reason: result.message }, "directory sync failed");
    else if (result.status === "succeeded") logger.info({ orgId, trigger, ...result }, "directory sync finished");
  };

  const pass = async () => {
    const { queued, due } = await findOrganizationsToSync(db, { intervalMinutes: config.directorySyncMinutes });
    for (const [orgId, trigger] of [
      ...queued.map((id) => [id, "manual"] as const),
      ...due.filter((id) => !queued.includes(id)).map((id) => [id, "schedule"] as const),
    ]) {
      if (stopped) return;
      try {
        await syncOne(orgId, trigger);
      } catch (error) {
        logger.error({ orgId, err: { message: (error as Error).message } }, "directory sync crashed");
      }
    }
  };

  const run = (): Promise<void> => {
    if (current) {
      again = true;
      return current;
    }
    clearTimeout(timer);
    current = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (error) {
          logger.error({ err: { message: (error as Error).message } }, "directory sync pass failed");
        }
      } while (again && !stopped);
    })().finally(() => {
      current = null;
      if (!stopped) timer = setTimeout(run, pollMs).unref();
    });
    return current;
  };

  if (!config.entra) return { wake() {}, async stop() {}, async runOnce() {} };
  timer = setTimeout(run, 1_000).unref();
  return {
    wake: () => void run(),
    runOnce: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      abort.abort(new Error("stopping"));
      await current;
    },
  };
}
