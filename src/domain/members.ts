// Reading the organization's members: the Users list (status filter, prefix search, keyset
// pages) and the counts per status (kept by triggers in member_counts, never scanned).
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { directoryPeople, memberCounts, members, memberStatuses, type MemberStatus } from "../db/schema.js";

export const PAGE_SIZE = 50;

export type MemberListQuery = { status?: MemberStatus; q?: string; after?: string };
export type MemberCounts = Record<MemberStatus | "all", number>;

export type MemberRow = {
  id: string;
  name: string;
  email: string;
  status: MemberStatus;
  invitedAt: Date | null;
  activatedAt: Date | null;
  archivedAt: Date | null;
  jobTitle: string | null;
  /** The directory says the person left or is disabled: they cannot be invited again. */
  leftDirectory: boolean;
  accountDisabled: boolean;
};

export type MemberPage = { rows: MemberRow[]; next: string | null };

/** Keyset cursor: the last row's (sort name, id), base64url. Anything else is not a cursor. */
export function encodeCursor(sortName: string, id: string): string {
  return Buffer.from(JSON.stringify([sortName, id])).toString("base64url");
}

export function decodeCursor(value: string): [string, string] | null {
  if (value.length > 1000 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === "string" && typeof parsed[1] === "string") {
      return [parsed[0], parsed[1]];
    }
  } catch {
    // not JSON: not a cursor
  }
  return null;
}

export function isMemberStatus(value: unknown): value is MemberStatus {
  return typeof value === "string" && (memberStatuses as readonly string[]).includes(value);
}

/** Upper bound of a prefix range: every string starting with `prefix` sorts below it. */
const prefixEnd = (prefix: string) => prefix + "\u{10FFFF}";

export async function listMembers(db: Db, orgId: string, query: MemberListQuery): Promise<MemberPage> {
  const base: (SQL | undefined)[] = [eq(members.orgId, orgId)];
  if (query.status) base.push(eq(members.status, query.status));
  const cursor = query.after ? decodeCursor(query.after) : null;
  if (cursor) base.push(sql`(${members.sortName}, ${members.id}) > (${cursor[0]}, ${cursor[1]})`);
  const q = query.q?.trim().normalize("NFC").toLowerCase();
  // A prefix search is two index range scans (name, address), merged here: an OR of the two
  // ranges in one statement makes SQLite walk the whole organization.
  const found = q
    ? mergeByName(await Promise.all([
      selectPage(db, [...base, sql`${members.sortName} >= ${q}`, sql`${members.sortName} < ${prefixEnd(q)}`]),
      selectByAddress(db, base, q),
    ]))
    : await selectPage(db, base);

  const rows = found.slice(0, PAGE_SIZE).map((r) => ({
    id: r.id, name: r.name, email: r.email, status: r.status, invitedAt: r.invitedAt, activatedAt: r.activatedAt,
    archivedAt: r.archivedAt, jobTitle: r.jobTitle ?? null, leftDirectory: r.removedAt != null, accountDisabled: r.enabled === false,
  }));
  const last = found[PAGE_SIZE - 1];
  return { rows, next: found.length > PAGE_SIZE && last ? encodeCursor(last.sortName, last.id) : null };
}

/** The address-prefix half: ids first, from the covering (org, email, name, id, status) index
 *  (`+sort_name` keeps SQLite from walking the whole name index instead), then their rows. */
async function selectByAddress(db: Db, base: (SQL | undefined)[], q: string) {
  const ids = await db.select({ id: members.id }).from(members)
    .where(and(...base, sql`${members.emailNorm} >= ${q}`, sql`${members.emailNorm} < ${prefixEnd(q)}`))
    .orderBy(sql`+${members.sortName}`, members.id).limit(PAGE_SIZE + 1);
  return ids.length ? selectPage(db, [inArray(members.id, ids.map((r) => r.id))]) : [];
}

function selectPage(db: Db, conditions: (SQL | undefined)[]) {
  return db
    .select({
      id: members.id, name: members.name, email: members.email, status: members.status, sortName: members.sortName,
      invitedAt: members.invitedAt, activatedAt: members.activatedAt, archivedAt: members.archivedAt,
      jobTitle: directoryPeople.jobTitle, removedAt: directoryPeople.removedAt, enabled: directoryPeople.accountEnabled,
    })
    .from(members)
    .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
    .where(and(...conditions))
    .orderBy(members.sortName, members.id)
    .limit(PAGE_SIZE + 1);
}

type Found = Awaited<ReturnType<typeof selectPage>>[number];

function mergeByName(lists: Found[][]): Found[] {
  const byId = new Map<string, Found>();
  for (const list of lists) for (const row of list) byId.set(row.id, row);
  return [...byId.values()]
    .sort((a, b) => (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, PAGE_SIZE + 1);
}

export async function countMembers(db: Db, orgId: string): Promise<MemberCounts> {
  const found = await db.select({ status: memberCounts.status, count: memberCounts.count }).from(memberCounts).where(eq(memberCounts.orgId, orgId));
  const counts: MemberCounts = { all: 0, invited: 0, active: 0, archived: 0 };
  for (const { status, count } of found) {
    if (isMemberStatus(status)) {
      counts[status] = count;
      counts.all += count;
    }
  }
  return counts;
}
