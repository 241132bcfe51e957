// Sending reminders, a chunk at a time, for the reminder job. Each chunk is ONE write transaction
// that checks the job still holds its lease, picks the remindable invitations (reminders.ts),
// counts each reminder on its invitation (at most two) and queues the email under the key
// `reminder:<invitation>:<n>` (the outbox keeps the first row of a key), so a restart, a retry or
// a second process never sends a reminder twice. The email is the invitation re-rendered from
// current data (today's rate, the person's current name and address) with the same link, read
// back from the link of the invitation's first email as Resend invitation does (invitations-resend.ts).
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import type { Actor } from "./actor.js";
import { auditActor, recordAudits } from "./audit.js";
import { tokenFromMailText } from "./invitations-resend.js";
import { loadInvitationMailContext, type InvitationMailContext } from "./member-mail.js";
import { invitationMail, mailLinkSql } from "./mail-templates.js";
import { cancelInvitationMails, enqueueMails, type NewMail } from "./outbox.js";
import { remindableInvitations } from "./reminders.js";

export type ReminderPass = {
  scheduleId: string;
  orgId: string;
  /** Remind invitations last emailed before this (ms). */
  before: number;
  /** Who asked ("Remind everyone"), or null for the automatic reminders. */
  requestedBy: Actor | null;
  /** Keyset position within the pass, (last_sent_at, rowid) in the order of the index: invitations
   *  skipped (no link to copy) are not read again. */
  after: [number, number];
};

type Candidate = {
  id: string;
  position: number;
  member_id: string;
  last_sent_at: number;
  token_hash: string;
  reminders_sent: number;
  email: string;
  name: string;
  current_email: string | null;
  display_name: string | null;
  inviter_name: string | null;
  mail_text: string | null;
};

export const reminderMailKey = (invitationId: string, n: number) => `reminder:${invitationId}:${n}`;

/** Reminds the next chunk of the pass: how many it reminded, or "lost" when another worker holds the lease, "done" when none is left. */
export async function remindChunk(
  db: Db,
  owner: string,
  pass: ReminderPass,
  options: { chunkSize: number; leaseMs: number; publicUrl: string; now?: number },
): Promise<{ status: "more" | "done" | "lost"; reminded: number }> {
  return db.write(async (tx) => {
    const now = options.now ?? Date.now();
    const held = await tx.all(sql`SELECT 1 FROM reminder_schedules WHERE id = ${pass.scheduleId} AND locked_by = ${owner}`);
    if (held.length === 0) return { status: "lost" as const, reminded: 0 };
    const found =
      await tx.all<Candidate>(sql`SELECT i.id, i.rowid AS position, i.member_id, i.last_sent_at, lower(hex(i.token_hash)) AS token_hash, i.reminders_sent, m.email, m.name,
        coalesce(p.mail, p.user_principal_name) AS current_email, p.display_name,
        (SELECT display_name FROM directory_people WHERE id = i.invited_by AND org_id = i.org_id) AS inviter_name,
        (SELECT ${mailLinkSql} FROM mail_outbox o WHERE o.invitation_id = i.id AND o.kind = 'invitation' ORDER BY o.id LIMIT 1) AS mail_text
      FROM ${remindableInvitations(pass.orgId, pass.before)} AND (i.last_sent_at, i.rowid) > (${pass.after[0]}, ${pass.after[1]})
      ORDER BY i.last_sent_at, i.rowid LIMIT ${options.chunkSize}`);
    if (found.length === 0) return { status: "done" as const, reminded: 0 };
    const last = found[found.length - 1]!;
    pass.after = [Number(last.last_sent_at), Number(last.position)];
    const due = found.flatMap((c) => {
      const token = tokenFromMailText(c.mail_text ?? "", c.token_hash);
      return token ? [{ ...c, token, n: Number(c.reminders_sent) + 1 }] : [];
    });
    await sendReminders(tx, pass, due, options.publicUrl, now);
    await tx.run(
      pass.requestedBy
        ? sql`UPDATE reminder_schedules SET requested_reminded = requested_reminded + ${due.length}, locked_until = ${now + options.leaseMs} WHERE id = ${pass.scheduleId}`
        : sql`UPDATE reminder_schedules SET locked_until = ${now + options.leaseMs} WHERE id = ${pass.scheduleId}`,
    );
    return { status: "more" as const, reminded: due.length };
  });
}

async function sendReminders(tx: Tx, pass: ReminderPass, due: (Candidate & { token: string; n: number })[], publicUrl: string, now: number) {
  if (due.length === 0) return;
  const ids = JSON.stringify(due.map((c) => c.id));
  await tx.run(sql`UPDATE invitations SET reminders_sent = reminders_sent + 1, sent_count = sent_count + 1, last_sent_at = ${now}
    WHERE id IN (SELECT value FROM json_each(${ids}))`);
  // A copy still waiting would go out beside the reminder (none should: the last email was delivered).
  await cancelInvitationMails(
    tx,
    due.map((c) => c.id),
    "Not sent: replaced by a reminder.",
  );
  const contexts = new Map<string | null, InvitationMailContext>();
  const mails: NewMail[] = [];
  for (const c of due) {
    const inviter = c.inviter_name || (pass.requestedBy?.personId ? pass.requestedBy.name : null);
    let context = contexts.get(inviter);
    if (!context) contexts.set(inviter, (context = { ...(await loadInvitationMailContext(tx, pass.orgId, inviter)), reminder: true }));
    mails.push({
      orgId: pass.orgId,
      kind: "reminder",
      invitationId: c.id,
      idempotencyKey: reminderMailKey(c.id, c.n),
      to: c.current_email ?? c.email,
      ...invitationMail(context, { joinUrl: `${publicUrl}/join/${c.token}`, recipientName: c.display_name || c.name || c.email }),
    });
  }
  await enqueueMails(tx, mails, now);
  await recordAudits(
    tx,
    due.map((c) => ({
      orgId: pass.orgId,
      ...(pass.requestedBy ? auditActor(pass.requestedBy) : { actorId: null }),
      action: "member.remind",
      memberId: c.member_id,
      subject: c.email,
      detail: { name: c.name, invitationId: c.id, reminder: c.n, automatic: pass.requestedBy === null },
    })),
  );
}

/** "Remind everyone" carried out: logged with the number of people it reminded, and cleared. */
export async function finishRequestedReminders(db: Db, owner: string, scheduleId: string): Promise<boolean> {
  return db.write(async (tx) => {
    const [job] = await tx.all<{ org_id: string; by: string | null; days: number | null; reminded: number }>(sql`SELECT org_id, requested_by AS by,
      requested_days AS days, requested_reminded AS reminded FROM reminder_schedules WHERE id = ${scheduleId} AND locked_by = ${owner} AND requested_at IS NOT NULL`);
    if (!job) return false;
    await recordAudits(tx, [{ orgId: job.org_id, actorId: job.by, action: "reminders.send", detail: { days: job.days, reminded: Number(job.reminded) } }]);
    await tx.run(sql`UPDATE reminder_schedules SET requested_by = NULL, requested_at = NULL, requested_before = NULL, requested_days = NULL,
      requested_reminded = 0 WHERE id = ${scheduleId}`);
    return true;
  });
}
