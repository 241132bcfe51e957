// The reminder job: claims an organization's reminder schedule under a lease (runner.ts) when
// "Remind everyone" was asked for or its automatic pass is due (hourly while reminders are on),
// reminds a chunk at a time (reminder-send.ts: each chunk one transaction, renewing the lease),
// then schedules the next pass and gives the lease back. A process killed mid-pass leaves a lease
// that expires; the next worker starts the pass again and finds only the people not yet reminded.
import { and, eq, gt, isNotNull, lte, or, sql } from "drizzle-orm";
import { directoryPeople, reminderSchedules } from "../db/schema.js";
import { finishRequestedReminders, remindChunk, type ReminderPass } from "../domain/reminder-send.js";
import { DAY_MS } from "../domain/reminders.js";
import { yieldToEventLoop } from "../event-loop.js";
import { claimLease, newLeaseOwner, releaseLease } from "../db/leases.js";
import { drainJobs, startPollingLoop, type LeasedJobOptions, type PollingWorker } from "./polling-loop.js";

export type ReminderWorkerOptions = LeasedJobOptions & {
  /** How long an organization waits between automatic passes. */
  everyMs?: number;
  /** Called after a chunk queued reminders (wakes the mail worker). */
  onQueued?: () => void;
};

type Options = Required<Pick<ReminderWorkerOptions, "db" | "publicUrl" | "owner" | "leaseMs" | "chunkSize" | "everyMs">> &
  Pick<ReminderWorkerOptions, "onQueued">;

const withDefaults = (o: ReminderWorkerOptions): Options => ({
  db: o.db,
  publicUrl: o.publicUrl,
  owner: o.owner ?? newLeaseOwner("reminders"),
  leaseMs: o.leaseMs ?? 30_000,
  chunkSize: o.chunkSize ?? 200,
  everyMs: o.everyMs ?? 60 * 60_000,
  onQueued: o.onQueued,
});

async function claimSchedule(o: Options, now: number) {
  return claimLease(o.db, reminderSchedules, {
    where: or(isNotNull(reminderSchedules.requestedAt), and(gt(reminderSchedules.days, 0), lte(reminderSchedules.nextRunAt, new Date(now)))),
    owner: o.owner,
    leaseMs: o.leaseMs,
    now,
    orderBy: [sql`${reminderSchedules.requestedAt} IS NULL`, reminderSchedules.nextRunAt],
  });
}

/** Reminds every invitation the pass covers; false when the lease was lost or `stopping` said so. */
async function runPass(o: Options, pass: ReminderPass, stopping: () => boolean): Promise<boolean> {
  for (;;) {
    if (stopping()) return false;
    const { status, reminded } = await remindChunk(o.db, o.owner, pass, { chunkSize: o.chunkSize, leaseMs: o.leaseMs, publicUrl: o.publicUrl });
    if (reminded > 0) o.onQueued?.();
    if (status !== "more") return status === "done";
    await yieldToEventLoop();
  }
}

/** Carries out what one claimed schedule is due for, then gives it back (with its next pass). */
async function runSchedule(o: Options, job: typeof reminderSchedules.$inferSelect, stopping: () => boolean): Promise<void> {
  const now = Date.now();
  if (job.requestedAt && job.requestedBefore) {
    const [by] = job.requestedBy
      ? await o.db.select({ name: directoryPeople.displayName }).from(directoryPeople).where(eq(directoryPeople.id, job.requestedBy))
      : [];
    const requestedBy = job.requestedBy ? { personId: job.requestedBy, orgId: job.orgId, name: by?.name ?? "" } : null;
    const pass: ReminderPass = { scheduleId: job.id, orgId: job.orgId, before: job.requestedBefore.getTime(), requestedBy, after: [0, 0] };
    if (!(await runPass(o, pass, stopping)) || !(await finishRequestedReminders(o.db, o.owner, job.id))) {
      await releaseLease(o.db, reminderSchedules, job.id, o.owner);
      return;
    }
  }
  const due = job.days > 0 && job.nextRunAt !== null && job.nextRunAt.getTime() <= now;
  if (due) {
    const pass: ReminderPass = { scheduleId: job.id, orgId: job.orgId, before: now - job.days * DAY_MS, requestedBy: null, after: [0, 0] };
    if (!(await runPass(o, pass, stopping))) {
      await releaseLease(o.db, reminderSchedules, job.id, o.owner);
      return;
    }
  }
  await releaseLease(o.db, reminderSchedules, job.id, o.owner, due ? { nextRunAt: new Date(now + o.everyMs) } : {});
}

/** Runs every schedule with work to do until none is left; answers how many it ran (tests). */
export async function drainReminders(input: ReminderWorkerOptions): Promise<number> {
  const o = withDefaults(input);
  return drainJobs(
    () => claimSchedule(o, Date.now()),
    (job) => runSchedule(o, job, () => false),
  );
}

export type ReminderWorker = PollingWorker;

export function startReminderWorker(input: ReminderWorkerOptions): ReminderWorker {
  const o = withDefaults(input);
  const idleMs = input.idleMs ?? 30_000;
  return startPollingLoop({
    idleMs,
    async pass(stopping) {
      const job = await claimSchedule(o, Date.now());
      if (!job) return "idle";
      await runSchedule(o, job, stopping);
      return "worked";
    },
    failed(error) {
      // A busy database or a bug: log it, wait, go on. The lease expires if we never come back.
      input.logger?.error({ err: { message: (error as Error).message } }, "reminder worker error");
      return idleMs;
    },
  });
}
