// A member as the Users list shows them, defined once: memberRowColumns is the one select (the
// list's pages in members.ts and the refresh of a few rows here), toMemberRow the one mapping.
// Rows are read as the driver's values (`.values()`) and mapped here: Drizzle's generic row
// mapping cost a quarter of a page's read. A column is read by its name in memberRowColumns,
// typed as stored (timestamps and flags as integers), so the select and the mapping cannot part.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { guardEq } from "../db/filters.js";
import type { Queryable } from "../db/client.js";
import { directoryPeople, members, type MemberStatus } from "../db/schema.js";

export type MemberRow = {
  id: string;
  name: string;
  email: string;
  status: MemberStatus;
  invitedAt: Date | null;
  activatedAt: Date | null;
  archivedAt: Date | null;
  jobTitle: string | null;
  department: string | null;
  /** The directory says the person left or is disabled: they cannot be invited again. */
  leftDirectory: boolean;
  accountDisabled: boolean;
  /** Invited, and the provider reported their invitation email bounced: what it said ("" when it said nothing). */
  bounce: string | null;
};

/** An invited member's open invitation (a member has one: a new one revokes the last), if its
 *  email bounced: the provider's reason, or "". For invited rows only, one probe of the
 *  invitations_open_bounced index, which holds bounced open invitations only. */
const bounceOfMember = sql<string | null>`CASE WHEN ${members.status} = 'invited' THEN (
  SELECT coalesce((SELECT o.bounce_reason FROM mail_outbox o WHERE o.invitation_id = i.id ORDER BY o.id DESC LIMIT 1), '')
  FROM invitations i WHERE i.member_id = ${members.id} AND i.delivery_status = 'bounced' AND i.revoked_at IS NULL AND i.accepted_at IS NULL
  LIMIT 1) END`;

/** Every column a Users row is read from (members, and their directory person by a left join). */
export const memberRowColumns = {
  id: members.id,
  name: members.name,
  email: members.email,
  status: members.status,
  sortName: members.sortName,
  invitedAt: members.invitedAt,
  activatedAt: members.activatedAt,
  archivedAt: members.archivedAt,
  jobTitle: directoryPeople.jobTitle,
  department: directoryPeople.department,
  removedAt: directoryPeople.removedAt,
  enabled: directoryPeople.accountEnabled,
  bounce: bounceOfMember,
};

type Columns = typeof memberRowColumns;
type TableColumn = Exclude<keyof Columns, "bounce">;
type Config<K extends TableColumn> = Columns[K]["_"];
/** A column's value as stored: dates and flags as the integers SQLite holds; null when the
 *  column may be null or comes through the left join; an expression's value as it is typed. */
type Stored<K extends keyof Columns> =
  Columns[K] extends SQL<infer T>
    ? T
    : K extends TableColumn
      ?
          | (Config<K>["data"] extends Date | boolean ? Config<K>["driverParam"] : Config<K>["data"])
          | (Config<K>["notNull"] extends true ? (Config<K>["tableName"] extends "members" ? never : null) : null)
      : never;

const position = Object.fromEntries(Object.keys(memberRowColumns).map((key, i) => [key, i])) as { [K in keyof Columns]: number };

/** The value of column `key` in a row of memberRowColumns read with `.values()`. */
export function storedValue<K extends keyof Columns>(values: readonly unknown[], key: K): Stored<K> {
  return values[position[key]] as Stored<K>;
}

const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));

export function toMemberRow(values: readonly unknown[]): MemberRow {
  return {
    id: storedValue(values, "id"),
    name: storedValue(values, "name"),
    email: storedValue(values, "email"),
    status: storedValue(values, "status"),
    invitedAt: toDate(storedValue(values, "invitedAt")),
    activatedAt: toDate(storedValue(values, "activatedAt")),
    archivedAt: toDate(storedValue(values, "archivedAt")),
    jobTitle: storedValue(values, "jobTitle"),
    department: storedValue(values, "department"),
    leftDirectory: storedValue(values, "removedAt") !== null,
    accountDisabled: storedValue(values, "enabled") === 0,
    bounce: storedValue(values, "bounce"),
  };
}

/** The members with these ids in the organization (ids of other organizations are simply absent). */
export async function findMemberRows(db: Queryable, orgId: string, ids: string[]): Promise<MemberRow[]> {
  if (ids.length === 0) return [];
  const found = await db
    .select(memberRowColumns)
    .from(members)
    .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
    .where(and(inArray(members.id, ids), guardEq(members.orgId, orgId)))
    .orderBy(members.sortName, members.id)
    .values();
  return found.map(toMemberRow);
}

export async function findMemberRow(db: Queryable, orgId: string, id: string): Promise<MemberRow | null> {
  return (await findMemberRows(db, orgId, [id]))[0] ?? null;
}
