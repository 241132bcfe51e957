// The mail outbox: every email is a row written in the caller's transaction, so the state change
// that causes an email and the email itself commit together or not at all. A worker sends the
// rows later (src/jobs/mail-worker.ts). A row holds the email's template and parameters, rendered
// when it is sent (mail-templates.ts). The idempotency key is stable per email (e.g.
// `invitation:<invitationId>:<sendNumber>`): enqueuing an invitation's email of the same key
// twice keeps the first row (an email of no invitation has a key of its own, e.g. a time).
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Db, Tx } from "../db/client.js";
import { mailOutbox, type DeliveryStatus, type MailStatus } from "../db/schema.js";
import { newId } from "../ids.js";
import { inParts } from "../event-loop.js";
import { renderOutboxRow, storedMail, type MailTemplate } from "./mail-templates.js";

export type MailKind = "invitation" | "reminder" | "archive_notice" | (string & {});

/** An email to queue: who it goes to, and its template and parameters (mail-templates.ts), not its rendering. */
export type NewMail = {
  orgId: string | null;
  kind: MailKind;
  to: string;
  idempotencyKey: string;
  invitationId?: string | null;
  /** The import whose Send Invite queued it (its mail progress counts it). */
  importId?: string | null;
} & MailTemplate;

/** 200 rows a statement (13 parameters each): no request is served while one inserts, so each stays short. */
const CHUNK = 200;

export function invitationMailKey(invitationId: string, sendNumber: number): string {
  return `invitation:${invitationId}:${sendNumber}`;
}

/** The key as stored: without the invitation's id, which invitation_id holds (the idempotency_key column puts it back). */
const sendKeyOf = (m: NewMail) => (m.invitationId ? m.idempotencyKey.replace(`:${m.invitationId}:`, ":") : m.idempotencyKey);

/**
 * The mail_contexts row of each email that has one (storedMail), written when no equal one exists:
 * ids in the order of `contexts` (null where none). Two statements for any number of emails.
 */
async function contextIds(tx: Tx, contexts: ({ importId: string | null; params: string } | null)[]): Promise<(number | null)[]> {
  const wanted = [...new Map(contexts.flatMap((c) => (c ? [[JSON.stringify([c.importId, c.params]), c] as const] : []))).values()];
  if (wanted.length === 0) return contexts.map(() => null);
  const json = JSON.stringify(wanted.map((c) => [c.importId, c.params]));
  await tx.run(sql`INSERT INTO mail_contexts (import_id, params) SELECT value ->> 0, value ->> 1 FROM json_each(${json}) WHERE true ON CONFLICT DO NOTHING`);
  const found = await tx.all<{ id: number; import_id: string | null; params: string }>(sql`SELECT c.id, c.import_id, c.params FROM json_each(${json}) j
    CROSS JOIN mail_contexts c ON c.params = j.value ->> 1 AND (CASE WHEN c.import_id IS NULL THEN '' ELSE c.import_id END) = coalesce(j.value ->> 0, '')`);
  const ids = new Map(found.map((r) => [JSON.stringify([r.import_id, r.params]), Number(r.id)]));
  return contexts.map((c) => (c ? ids.get(JSON.stringify([c.importId, c.params]))! : null));
}

/** The columns of an outbox row as queued (OUTBOX_COLUMNS' order; status, next attempt and creation time added by the statement). */
const OUTBOX_COLUMNS = sql.raw(`id, org_id, kind, "to", template_name, params, send_key, invitation_id, import_id, context_id`);

/**
 * The values of `part`'s outbox rows, in OUTBOX_COLUMNS' order. An email with a context names its
 * import there (the import-count triggers look it up), and its template is the context's
 * (template_name null: the template column says "invitation").
 */
async function outboxValues(tx: Tx, part: NewMail[]): Promise<unknown[][]> {
  const stored = part.map(storedMail);
  const contexts = await contextIds(
    tx,
    stored.map((s, i) => (s.context === null ? null : { importId: part[i]!.importId ?? null, params: s.context })),
  );
  return part.map((m, i) => [
    newId(),
    m.orgId,
    m.kind,
    m.to,
    contexts[i] === null ? m.template : null,
    stored[i]!.params,
    sendKeyOf(m),
    m.invitationId ?? null,
    contexts[i] === null ? (m.importId ?? null) : null,
    contexts[i],
  ]);
}

/** Queues many emails with multi-row VALUES; answers the ids of the rows actually inserted. */
export async function enqueueMails(tx: Tx, messages: NewMail[], now = Date.now()): Promise<string[]> {
  const inserted: string[] = [];
  await inParts(messages, CHUNK, async (part) => {
    const values = (await outboxValues(tx, part)).map(
      (row) =>
        sql`(${sql.join(
          row.map((v) => sql`${v}`),
          sql`, `,
        )}, 'queued', ${now}, ${now})`,
    );
    const done = await tx.all<{ id: string; invitation_id: string | null }>(sql`INSERT INTO mail_outbox
      (${OUTBOX_COLUMNS}, status, next_attempt_at, created_at)
      VALUES ${sql.join(values, sql`, `)} ON CONFLICT (invitation_id, send_key) DO NOTHING RETURNING id, invitation_id`);
    // An invitation shows the delivery status of its latest email: a new one is queued. (Only
    // resends change anything: a new invitation is already "queued", and is left unwritten.)
    const invitationIds = [...new Set(done.flatMap((r) => (r.invitation_id ? [r.invitation_id] : [])))];
    if (invitationIds.length > 0) {
      await tx.run(sql`UPDATE invitations SET delivery_status = 'queued'
        WHERE id IN (SELECT value FROM json_each(${JSON.stringify(invitationIds)})) AND delivery_status <> 'queued'`);
    }
    for (const r of done) inserted.push(r.id);
  });
  return inserted;
}

/**
 * Queues the first email of invitations made in the caller's transaction: no earlier email of
 * theirs can exist (no conflict to skip) and each invitation is already "queued", so the rows go
 * in as ONE JSON parameter a statement (json_each), without the checks enqueueMails makes.
 */
export async function enqueueNewInvitationMails(tx: Tx, messages: NewMail[], now = Date.now()): Promise<void> {
  await inParts(messages, CHUNK, async (part) => {
    const rows = JSON.stringify(await outboxValues(tx, part));
    await tx.run(sql`INSERT INTO mail_outbox (${OUTBOX_COLUMNS}, status, next_attempt_at, created_at)
      SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8, value ->> 9,
        'queued', ${now}, ${now}
      FROM json_each(${rows})`);
  });
}

/**
 * Withdraws the unsent emails of invitations that were revoked, replaced or accepted, in the
 * caller's transaction: queued ones (claimed by a worker or not) become `cancelled`, and the
 * worker re-checks a claimed batch before sending (outbox-delivery.ts). Answers how many.
 */
export async function cancelInvitationMails(tx: Tx, invitationIds: string[], reason: string): Promise<number> {
  let cancelled = 0;
  await inParts(invitationIds, CHUNK, async (part) => {
    // Found by invitation (its index), not by status: during a big send most of the outbox is queued.
    const rows = await tx.all<{ id: string }>(sql`UPDATE mail_outbox SET status = 'cancelled', last_error = ${reason}
      WHERE id IN (SELECT o.id FROM json_each(${JSON.stringify(part)}) j CROSS JOIN mail_outbox o ON o.invitation_id = j.value WHERE +o.status = 'queued')
      RETURNING id`);
    cancelled += rows.length;
  });
  return cancelled;
}

/** cancelInvitationMails for every invitation of these members. */
export async function cancelMemberInvitationMails(tx: Tx, memberIds: string[], reason: string): Promise<number> {
  let cancelled = 0;
  await inParts(memberIds, CHUNK, async (part) => {
    const rows = await tx.all<{ id: string }>(sql`${cancelMemberInvitationMailsSql(part, reason)} RETURNING id`);
    cancelled += rows.length;
  });
  return cancelled;
}

/** The statement of cancelMemberInvitationMails, for callers that run their statements themselves. */
export function cancelMemberInvitationMailsSql(memberIds: string[], reason: string): SQL {
  return sql`UPDATE mail_outbox SET status = 'cancelled', last_error = ${reason}
      WHERE id IN (SELECT o.id FROM json_each(${JSON.stringify(memberIds)}) j CROSS JOIN invitations i ON i.member_id = j.value
        JOIN mail_outbox o ON o.invitation_id = i.id WHERE +o.status = 'queued')`;
}

export type OutboxListItem = {
  id: string;
  kind: string;
  to: string;
  /** Rendered from the row's template and parameters. */
  subject: string;
  status: MailStatus;
  deliveryStatus: DeliveryStatus | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
  /** A worker holds it right now (a claimed message stays `queued` while it is being sent). */
  lockedUntil: Date | null;
};

export type OutboxMessage = OutboxListItem & { html: string; text: string; providerId: string | null; invitationId: string | null };

export const OUTBOX_PAGE_SIZE = 50;

/** A column for selects from mail_outbox: the params of the row's context (renderOutboxRow needs them), or null. */
export const outboxContextSql = sql<string | null>`(SELECT c.params FROM mail_contexts c WHERE c.id = ${mailOutbox.contextId})`;

/** The organization's emails, newest first (keyset on the time-ordered id). */
const listColumns = {
  id: mailOutbox.id,
  kind: mailOutbox.kind,
  to: mailOutbox.to,
  template: mailOutbox.template,
  params: mailOutbox.params,
  status: mailOutbox.status,
  deliveryStatus: mailOutbox.deliveryStatus,
  attempts: mailOutbox.attempts,
  createdAt: mailOutbox.createdAt,
  sentAt: mailOutbox.sentAt,
  lastError: mailOutbox.lastError,
  lockedUntil: mailOutbox.lockedUntil,
  context: outboxContextSql,
};

/** The organization's emails, newest first (keyset on the time-ordered id). */
export async function listOutbox(
  db: Db,
  orgId: string,
  options: { before?: string; limit?: number } = {},
): Promise<{ rows: OutboxListItem[]; next: string | null }> {
  const limit = options.limit ?? OUTBOX_PAGE_SIZE;
  const rows = await db
    .select(listColumns)
    .from(mailOutbox)
    .where(and(eq(mailOutbox.orgId, orgId), options.before ? lt(mailOutbox.id, options.before) : undefined))
    .orderBy(desc(mailOutbox.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = (more ? rows.slice(0, limit) : rows).map(({ template, params, context, ...row }) => ({
    ...row,
    subject: renderOutboxRow({ template, params, context }).subject,
  }));
  return { rows: page, next: more ? page[page.length - 1]!.id : null };
}

/** One email of the organization, rendered as it is (or was) sent. */
export async function getOutboxMessage(db: Db, orgId: string, id: string): Promise<OutboxMessage | null> {
  const [row] = await db
    .select({ ...listColumns, providerId: mailOutbox.providerId, invitationId: mailOutbox.invitationId })
    .from(mailOutbox)
    .where(and(eq(mailOutbox.orgId, orgId), eq(mailOutbox.id, id)));
  if (!row) return null;
  const { template, params, context, ...rest } = row;
  return { ...rest, ...renderOutboxRow({ template, params, context }) };
}

/** Counts per status, for the outbox page header and the bench. */
export async function countOutbox(db: Db, orgId?: string): Promise<Record<MailStatus, number>> {
  const rows = await db
    .select({ status: mailOutbox.status, n: sql<number>`count(*)` })
    .from(mailOutbox)
    .where(orgId ? eq(mailOutbox.orgId, orgId) : undefined)
    .groupBy(mailOutbox.status);
  const counts: Record<MailStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0, dead: 0, cancelled: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
