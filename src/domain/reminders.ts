// Reminders for people who have not joined: the organization's setting (after 3, 7 or 14 days,
// or off), who can be reminded now, and "Remind everyone invited more than N days ago", which
// asks the reminder job (src/jobs/reminder-worker.ts, reminder-send.ts) to remind them. Nothing
// here sends: the job does, exactly once per reminder, and at most two per invitation.
import { eq, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { reminderSchedules } from "../db/schema.js";
import { newId } from "../ids.js";
import type { Actor } from "./actor.js";
import { auditActor, recordAudit } from "./audit.js";

export const REMINDER_DAY_CHOICES = [3, 7, 14] as const;
/** "Remind everyone" uses the setting's days, or this many while automatic reminders are off. */
export const DEFAULT_REMINDER_DAYS = 7;
export const MAX_REMINDERS = 2;
export const DAY_MS = 86_400_000;

/**
 * Open invitations of `orgId` that may be reminded now: last emailed before `before`, fewer than
 * two reminders, their last email delivered (not still waiting, bounced, refused or failed), an
 * earlier invitation email to copy the link from (the same link, never a new one), the member
 * still Invited and the person still in the directory and enabled. Uses the
 * invitations_open_last_sent index; `i`, `m`, `p` are the invitation, member and person.
 */
export function remindableInvitations(orgId: string, before: number): SQL {
  return sql`invitations i JOIN members m ON m.id = i.member_id AND m.org_id = i.org_id
    LEFT JOIN directory_people p ON p.id = m.person_id
    WHERE i.org_id = ${orgId} AND i.revoked_at IS NULL AND i.accepted_at IS NULL AND i.last_sent_at <= ${before}
      AND i.reminders_sent < ${MAX_REMINDERS} AND i.delivery_status IN ('sent', 'delivered', 'delivery_delayed')
      AND m.status = 'invited' AND (p.id IS NULL OR (p.removed_at IS NULL AND p.account_enabled = 1))
      AND EXISTS (SELECT 1 FROM mail_outbox o WHERE o.invitation_id = i.id AND o.kind = 'invitation')`;
}

export type ReminderSetting = {
  /** Automatic reminders after this many days; 0 = off. */
  days: number;
  /** "Remind everyone" asked for and not done yet. */
  requested: { at: Date; days: number } | null;
};

export async function getReminderSetting(db: Db | Tx, orgId: string): Promise<ReminderSetting> {
  const [row] = await db
    .select({ days: reminderSchedules.days, at: reminderSchedules.requestedAt, requestedDays: reminderSchedules.requestedDays })
    .from(reminderSchedules)
    .where(eq(reminderSchedules.orgId, orgId));
  return { days: row?.days ?? 0, requested: row?.at ? { at: row.at, days: row.requestedDays ?? DEFAULT_REMINDER_DAYS } : null };
}

/** The days "Remind everyone invited more than N days ago" uses. */
export const remindEveryoneDays = (setting: ReminderSetting) => setting.days || DEFAULT_REMINDER_DAYS;

/** How many people "Remind everyone invited more than `days` days ago" would remind now. */
export async function countRemindable(db: Db | Tx, orgId: string, days: number, now = Date.now()): Promise<number> {
  const [row] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${remindableInvitations(orgId, now - days * DAY_MS)}`);
  return Number(row?.n ?? 0);
}

/** The form's `days`: "0" (off), "3", "7" or "14"; anything else is refused with what to choose. */
export function parseReminderDays(input: unknown): { ok: true; days: number } | { ok: false; message: string } {
  const days = typeof input === "string" && /^\d{1,2}$/.test(input.trim()) ? Number(input.trim()) : NaN;
  if (days === 0 || (REMINDER_DAY_CHOICES as readonly number[]).includes(days)) return { ok: true, days };
  return { ok: false, message: "Choose after 3, 7 or 14 days, or Off." };
}

/** Sets the reminder days; a change is logged with the old and new value, and the job looks at once. */
export async function setReminderDays(db: Db, actor: Actor, days: number): Promise<{ changed: boolean }> {
  return db.write(async (tx) => {
    const before = await getReminderSetting(tx, actor.orgId);
    if (before.days === days) return { changed: false };
    const now = new Date();
    await tx
      .insert(reminderSchedules)
      .values({ id: newId(), orgId: actor.orgId, days, nextRunAt: now, updatedBy: actor.personId, updatedAt: now })
      .onConflictDoUpdate({ target: reminderSchedules.orgId, set: { days, nextRunAt: now, updatedBy: actor.personId, updatedAt: now } });
    await recordAudit(tx, { orgId: actor.orgId, ...auditActor(actor), action: "settings.reminders", detail: { oldDays: before.days, newDays: days } });
    return { changed: true };
  });
}

export type ReminderRequest = { ok: true; started: boolean; count: number; days: number } | { ok: false; reason: "nobody"; days: number };

/**
 * "Remind everyone invited more than N days ago": records the request for the job (N from the
 * setting, DEFAULT_REMINDER_DAYS when off). Asking again while one is under way starts nothing
 * new; nobody to remind is refused. The job logs it, with the people it reminded, when done.
 */
export async function requestReminders(db: Db, actor: Actor, now = Date.now()): Promise<ReminderRequest> {
  return db.write(async (tx): Promise<ReminderRequest> => {
    const setting = await getReminderSetting(tx, actor.orgId);
    const days = setting.requested?.days ?? remindEveryoneDays(setting);
    const count = await countRemindable(tx, actor.orgId, days, now);
    if (setting.requested) return { ok: true, started: false, count, days };
    if (count === 0) return { ok: false, reason: "nobody", days };
    const request = {
      requestedBy: actor.personId,
      requestedAt: new Date(now),
      requestedBefore: new Date(now - days * DAY_MS),
      requestedDays: days,
      requestedReminded: 0,
    };
    await tx
      .insert(reminderSchedules)
      .values({ id: newId(), orgId: actor.orgId, days: 0, ...request })
      .onConflictDoUpdate({ target: reminderSchedules.orgId, set: request });
    return { ok: true, started: true, count, days };
  });
}
