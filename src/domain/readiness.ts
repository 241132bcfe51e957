// Readiness, for load balancers (/readyz): this process should get traffic only while it is not
// stopping, its database answers, the database holds every migration the code expects, and (with
// WORKERS=true) its background workers run. Each "no" carries the reason in words.
import type { Db } from "../db/client.js";
import { pendingMigrations } from "../db/migrate.js";
import { describeFetchFailure } from "../error-causes.js";

export type Readiness = { ready: true } | { ready: false; reason: string };

export type ReadinessInput = {
  stopping: boolean;
  /** WORKERS=true: this process must run the background workers. */
  workersExpected: boolean;
  /** The running workers (unset until they start). */
  workers: { problem(): string | null } | undefined;
  /** How long the database may take to answer (a probe must not hang on a stalled server). */
  timeoutMs?: number;
};

const DATABASE_TIMEOUT_MS = 2_000;

export async function checkReadiness(db: Db, input: ReadinessInput): Promise<Readiness> {
  if (input.stopping) return { ready: false, reason: "stopping: this process finishes its requests and jobs, then exits" };
  const timeoutMs = input.timeoutMs ?? DATABASE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), timeoutMs);
  });
  let pending: string[] | "late";
  try {
    pending = await Promise.race([pendingMigrations(db), late]);
  } catch (error) {
    return { ready: false, reason: `the database does not answer: ${describeFetchFailure(error)}` };
  } finally {
    clearTimeout(timer);
  }
  if (pending === "late") return { ready: false, reason: `the database does not answer: no answer within ${timeoutMs / 1000} s` };
  if (pending.length > 0) {
    return {
      ready: false,
      reason: `migrations are not applied: the database lacks ${pending.length} (${pending.join(", ")}); restart the server to apply them`,
    };
  }
  if (input.workersExpected) {
    if (!input.workers) return { ready: false, reason: "the background workers have not started" };
    const problem = input.workers.problem();
    if (problem) return { ready: false, reason: problem };
  }
  return { ready: true };
}
