// The statements behind inviteMembers, one per step however many people a call names: each list
// travels as ONE JSON parameter (json_each), and rows come back as one JSON string. Building a
// Drizzle insert of 200 rows (2,000 parameters) and mapping its results would cost more than
// SQLite's own work.
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client.js";
import { inParts } from "../event-loop.js";

/** Rows a write statement: each statement stays short, so requests wait no longer than one (the
 *  transaction stays open between them). */
const ROWS = 200;
/** A member row costs several times an invitation's (six indexes, and triggers that keep counts,
 *  name words and the person's live membership): 100 a statement keeps each under about 10 ms. */
const MEMBER_ROWS = 100;

export type Person = {
  id: string;
  mail: string | null;
  userPrincipalName: string | null;
  mailNorm: string | null;
  upnNorm: string | null;
  displayName: string;
  displayNorm: string;
  accountEnabled: boolean;
  removedAt: number | null;
};
export type Member = { id: string; personId: string | null; emailNorm: string; status: "invited" | "active" | "archived" };

async function jsonRows<T>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const [row] = await tx.all<{ rows: string | null }>(query);
  return JSON.parse(row?.rows ?? "[]") as T[];
}

/**
 * The directory people of the organization with one of `norms` as mail or UPN (a query per
 * column: each has its index), then those named by id; in that order, as the caller ranks them.
 */
export async function selectPeople(tx: Tx, orgId: string, norms: string[], ids: string[]): Promise<Person[]> {
  if (norms.length === 0 && ids.length === 0) return [];
  const columns = sql`p.id, p.mail, p.user_principal_name, p.mail_norm, p.upn_norm, p.display_name, p.display_norm, p.account_enabled, p.removed_at`;
  const rows = await jsonRows<[string, string | null, string | null, string | null, string | null, string, string, number, number | null]>(
    tx,
    sql`
    SELECT json_group_array(json_array(id, mail, user_principal_name, mail_norm, upn_norm, display_name, display_norm, account_enabled, removed_at)) AS rows FROM (
      SELECT * FROM (SELECT ${columns} FROM json_each(${JSON.stringify(norms)}) j CROSS JOIN directory_people p
        WHERE p.org_id = ${orgId} AND p.mail_norm = j.value ORDER BY p.mail_norm, p.rowid)
      UNION ALL SELECT * FROM (SELECT ${columns} FROM json_each(${JSON.stringify(norms)}) j CROSS JOIN directory_people p
        WHERE p.org_id = ${orgId} AND p.upn_norm = j.value ORDER BY p.upn_norm)
      UNION ALL SELECT * FROM (SELECT ${columns} FROM json_each(${JSON.stringify(ids)}) j CROSS JOIN directory_people p
        WHERE p.id = j.value AND p.org_id = ${orgId} ORDER BY p.id))`,
  );
  return rows.map(([id, mail, userPrincipalName, mailNorm, upnNorm, displayName, displayNorm, enabled, removedAt]) => ({
    id,
    mail,
    userPrincipalName,
    mailNorm,
    upnNorm,
    displayName,
    displayNorm,
    accountEnabled: enabled === 1,
    removedAt,
  }));
}

/** The organization's members for these people (by person, then by address). */
export async function selectMembers(tx: Tx, orgId: string, personIds: string[], norms: string[]): Promise<Member[]> {
  if (personIds.length === 0) return [];
  const rows = await jsonRows<[string, string | null, string, Member["status"]]>(
    tx,
    sql`
    SELECT json_group_array(json_array(id, person_id, email_norm, status)) AS rows FROM (
      SELECT * FROM (SELECT m.id, m.person_id, m.email_norm, m.status FROM json_each(${JSON.stringify(personIds)}) j CROSS JOIN members m
        WHERE m.person_id = j.value AND +m.org_id = ${orgId} ORDER BY m.person_id, m.rowid)
      UNION ALL SELECT * FROM (SELECT m.id, m.person_id, m.email_norm, m.status FROM json_each(${JSON.stringify(norms)}) j CROSS JOIN members m
        WHERE m.org_id = ${orgId} AND m.email_norm = j.value ORDER BY m.email_norm))`,
  );
  return rows.map(([id, personId, emailNorm, status]) => ({ id, personId, emailNorm, status }));
}

export type NewMember = { id: string; personId: string; email: string; emailNorm: string; name: string; sortName: string };

export async function insertMembers(tx: Tx, orgId: string, invitedBy: string | null, now: number, rows: NewMember[]): Promise<void> {
  await inParts(rows, MEMBER_ROWS, (part) =>
    tx.run(sql`INSERT INTO members (id, org_id, person_id, email, email_norm, name, sort_name, status, invited_at, invited_by, updated_at)
    SELECT value ->> 0, ${orgId}, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, 'invited', ${now}, ${invitedBy}, ${now}
    FROM json_each(${JSON.stringify(part.map((m) => [m.id, m.personId, m.email, m.emailNorm, m.name, m.sortName]))})`),
  );
}

/** Archived members invited again; their open links were revoked by archiving, and are now for certain. */
export async function reviveMembers(tx: Tx, orgId: string, invitedBy: string | null, now: number, ids: string[]): Promise<void> {
  await inParts(ids, ROWS, async (part) => {
    await tx.run(reviveMembersSql(orgId, invitedBy, now, part));
    await tx.run(revokeOpenInvitationsSql(orgId, part, now));
  });
}

/**
 * The statement of reviveMembers. Found by id: with `org_id = ?` and `status = ?` SQLite would
 * rather walk the organization's archived members (members_org_status_sort), every leaver of
 * years, and test each against the list; `+` keeps both guards and leaves the index choice alone.
 */
export const reviveMembersSql = (orgId: string, invitedBy: string | null, now: number, ids: string[]) =>
  sql`UPDATE members SET status = 'invited', invited_at = ${now}, invited_by = ${invitedBy}, activated_at = NULL,
      archived_at = NULL, archived_by = NULL, updated_at = ${now}
    WHERE id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND +org_id = ${orgId} AND +status = 'archived'`;

/**
 * Revokes the open invitations of these members (of `orgId`). Found by member
 * (invitations_member): with `org_id = ?` SQLite would rather walk the organization's open
 * invitations (invitations_open_last_sent, made for the reminders), tens of thousands of rows after
 * a big send, to archive one person; `+org_id` keeps the guard and leaves the index choice alone.
 */
export const revokeOpenInvitationsSql = (orgId: string, memberIds: string[], now: number) =>
  sql`UPDATE invitations SET revoked_at = ${now}
    WHERE member_id IN (SELECT value FROM json_each(${JSON.stringify(memberIds)})) AND +org_id = ${orgId} AND revoked_at IS NULL AND accepted_at IS NULL`;

export type NewInvitation = { id: string; memberId: string; tokenHash: string };

export async function insertInvitations(tx: Tx, orgId: string, invitedBy: string | null, now: number, rows: NewInvitation[]): Promise<void> {
  await inParts(rows, ROWS, (part) =>
    tx.run(sql`INSERT INTO invitations (id, org_id, member_id, token_hash, invited_by, sent_count, last_sent_at, delivery_status, created_at)
    SELECT value ->> 0, ${orgId}, value ->> 1, unhex(value ->> 2), ${invitedBy}, 1, ${now}, 'queued', ${now}
    FROM json_each(${JSON.stringify(part.map((i) => [i.id, i.memberId, i.tokenHash]))})`),
  );
}
