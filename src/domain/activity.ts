// Reading the activity log (audit_events): filters by action and by actor, keyset pages on the
// UUIDv7 id (newest first), and a chunked walk of every matching event for the CSV export.
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.js";
import { auditEvents, directoryPeople, members } from "../db/schema.js";
import { yieldToEventLoop } from "../event-loop.js";

export const ACTIVITY_PAGE_SIZE = 50;

export type ActivityFilter = { action?: string | undefined; actorId?: string | undefined };

/** One entry of the activity log, with the names of who acted and whom it affected. */
export type ActivityEvent = {
  id: string;
  action: string;
  createdAt: Date;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  /** A service that acted without a person (e.g. "Entra provisioning"). */
  actorLabel: string | null;
  memberId: string | null;
  /** The affected person: the member's name and address when the event names a member. */
  memberName: string | null;
  memberEmail: string | null;
  subject: string | null;
  detail: Record<string, unknown> | null;
};

export type ActivityEvents = { events: ActivityEvent[]; next: string | null };
export type ActivityPerson = { id: string; name: string; email: string | null };

/** Action codes look like "member.invite"; this only keeps junk out of queries and links. */
export const isActionCode = (value: string): boolean => /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(value) && value.length <= 64;

const actor = alias(directoryPeople, "actor");

async function selectActivity(db: Db, orgId: string, filter: ActivityFilter, before: string | undefined, limit: number): Promise<ActivityEvent[]> {
  const conditions: (SQL | undefined)[] = [eq(auditEvents.orgId, orgId)];
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action));
  if (filter.actorId) conditions.push(eq(auditEvents.actorId, filter.actorId));
  if (before) conditions.push(lt(auditEvents.id, before));
  const found = await db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      createdAt: auditEvents.createdAt,
      actorId: auditEvents.actorId,
      actorLabel: auditEvents.actorLabel,
      actorName: actor.displayName,
      actorMail: actor.mail,
      actorUpn: actor.userPrincipalName,
      memberId: auditEvents.memberId,
      memberName: members.name,
      memberEmail: members.email,
      subject: auditEvents.subject,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .leftJoin(actor, and(eq(actor.id, auditEvents.actorId), eq(actor.orgId, auditEvents.orgId)))
    .leftJoin(members, and(eq(members.id, auditEvents.memberId), eq(members.orgId, auditEvents.orgId)))
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(limit);
  return found.map(({ actorMail, actorUpn, ...r }) => ({ ...r, actorEmail: actorMail ?? actorUpn ?? null, memberName: r.memberName || null }));
}

/** One page, newest first; `before` is the id of the last event of the previous page. */
export async function listActivity(db: Db, orgId: string, query: ActivityFilter & { before?: string | undefined }): Promise<ActivityEvents> {
  const found = await selectActivity(db, orgId, query, query.before, ACTIVITY_PAGE_SIZE + 1);
  const events = found.slice(0, ACTIVITY_PAGE_SIZE);
  return { events, next: found.length > ACTIVITY_PAGE_SIZE ? events[events.length - 1]!.id : null };
}

/**
 * Every matching event, newest first, in chunks: each chunk is one short indexed query, and the
 * event loop gets a turn between chunks, so a big organization's export never blocks requests.
 */
export async function* walkActivity(db: Db, orgId: string, filter: ActivityFilter, chunkSize = 500): AsyncGenerator<ActivityEvent[]> {
  let before: string | undefined;
  for (;;) {
    const events = await selectActivity(db, orgId, filter, before, chunkSize);
    if (events.length > 0) yield events;
    if (events.length < chunkSize) return;
    before = events[events.length - 1]!.id;
    await yieldToEventLoop();
  }
}

/** A directory person of this organization (the actor filter), or undefined: another org's id is not found. */
export async function findActivityPerson(db: Db, orgId: string, personId: string): Promise<ActivityPerson | undefined> {
  const [person] = await db
    .select({ id: directoryPeople.id, name: directoryPeople.displayName, email: directoryPeople.mail })
    .from(directoryPeople)
    .where(and(eq(directoryPeople.orgId, orgId), eq(directoryPeople.id, personId)))
    .limit(1);
  return person;
}

/**
 * The people who appear as actors, for the filter list. A skip-scan over the (org, actor) index:
 * one index seek per distinct actor, however many events there are.
 */
export async function listActivityActors(db: Db, orgId: string, limit = 100): Promise<ActivityPerson[]> {
  const rows = await db.all<{ id: string; name: string; email: string | null }>(sql`
    WITH RECURSIVE actors(id, n) AS (
      SELECT (SELECT min(actor_id) FROM audit_events WHERE org_id = ${orgId}), 1
      UNION ALL
      SELECT (SELECT min(actor_id) FROM audit_events WHERE org_id = ${orgId} AND actor_id > actors.id), n + 1
      FROM actors WHERE actors.id IS NOT NULL AND n < ${limit}
    )
    SELECT p.id AS id, p.display_name AS name, coalesce(p.mail, p.user_principal_name) AS email
    FROM actors JOIN directory_people p ON p.id = actors.id AND p.org_id = ${orgId}
    ORDER BY p.display_norm, p.id`);
  return rows;
}

/** The action codes this organization's log holds (same skip-scan over the (org, action) index). */
export async function listActivityActions(db: Db, orgId: string): Promise<string[]> {
  const rows = await db.all<{ action: string }>(sql`
    WITH RECURSIVE actions(action, n) AS (
      SELECT (SELECT min(action) FROM audit_events WHERE org_id = ${orgId}), 1
      UNION ALL
      SELECT (SELECT min(action) FROM audit_events WHERE org_id = ${orgId} AND action > actions.action), n + 1
      FROM actions WHERE actions.action IS NOT NULL AND n < 200
    )
    SELECT action FROM actions WHERE action IS NOT NULL`);
  return rows.map((r) => r.action);
}
