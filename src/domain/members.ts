// Reading the organization's members: the Users list (status filter, search, keyset pages) and
// the counts per status (kept by triggers in member_counts, never scanned; for a search,
// member-search.ts counts the matches).
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { preparedQuery } from "../db/prepared.js";
import { directoryPeople, memberCounts, memberNameWords, members, memberStatuses, type MemberStatus } from "../db/schema.js";
import type { MemberCounts } from "./member-counts.js";
import { memberRowColumns, storedValue, toMemberRow, type MemberRow } from "./member-rows.js";
import { countMatchingMembers, searchPlaceholders, searchTermsOf, wordMatch } from "./member-search.js";

export const PAGE_SIZE = 50;

export type MemberListQuery = { status?: MemberStatus; q?: string; after?: string };

export type { MemberRow };

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

const P = { ...searchPlaceholders, afterName: sql.placeholder("afterName"), afterId: sql.placeholder("afterId") };

/** One page of the list; `pageSize` other than the page's 50 is for walking the whole list (the roster export). */
export async function listMembers(db: Db, orgId: string, query: MemberListQuery, pageSize = PAGE_SIZE): Promise<MemberPage> {
  const cursor = query.after ? decodeCursor(query.after) : null;
  const terms = searchTermsOf(query.q);
  const shape = { status: Boolean(query.status), cursor: Boolean(cursor), search: Boolean(terms), words: Boolean(terms?.word), phrase: Boolean(terms?.phrase), size: pageSize };
  const found = await preparedQuery(db, `members:${JSON.stringify(shape)}`, () => memberPageQuery(db, shape))
    .values({ org: orgId, status: query.status, afterName: cursor?.[0], afterId: cursor?.[1], ...terms });
  const rows: MemberRow[] = [];
  for (let i = 0; i < found.length && i < pageSize; i++) rows.push(toMemberRow(found[i]!));
  const last = found[pageSize - 1];
  return { rows, next: found.length > pageSize && last ? encodeCursor(storedValue(last, "sortName"), storedValue(last, "id")) : null };
}

/** One page of members in name order, for one shape of filter (status, cursor, search). A search
 *  takes the first page of three index range scans (by sort name, by a later word of the name, by
 *  address) and orders their union: an OR of the ranges in one scan makes SQLite walk the whole
 *  organization. The word and address ranges sort their matches from their covering indexes. */
function memberPageQuery(db: Db, shape: { status: boolean; cursor: boolean; search: boolean; words: boolean; phrase: boolean; size: number }) {
  const base = [
    eq(members.orgId, P.org),
    shape.status ? eq(members.status, P.status) : undefined,
    shape.cursor ? sql`(${members.sortName}, ${members.id}) > (${P.afterName}, ${P.afterId})` : undefined,
  ];
  let where = and(...base);
  if (shape.search) {
    const byName = db.select({ id: members.id }).from(members)
      .where(and(...base, sql`${members.sortName} >= ${P.q}`, sql`${members.sortName} < ${P.qEnd}`))
      .orderBy(members.sortName, members.id).limit(shape.size + 1);
    // From the covering (org, email, name, id, status) index; `+sort_name` keeps SQLite from
    // walking the whole name index instead.
    const byAddress = db.select({ id: members.id }).from(members)
      .where(and(...base, sql`${members.emailNorm} >= ${P.q}`, sql`${members.emailNorm} < ${P.qEnd}`))
      .orderBy(sql`+${members.sortName}`, members.id).limit(shape.size + 1);
    const w = memberNameWords;
    const byWord = db.select({ id: sql<string>`${w.memberId}`.as("id") }).from(w)
      .where(and(eq(w.orgId, P.org), wordMatch(shape), shape.status ? eq(w.status, P.status) : undefined,
        shape.cursor ? sql`(${w.sortName}, ${w.memberId}) > (${P.afterName}, ${P.afterId})` : undefined))
      .orderBy(w.sortName, w.memberId).limit(shape.size + 1);
    where = shape.words
      ? sql`${members.id} IN (SELECT id FROM ${byName} UNION ALL SELECT id FROM ${byAddress} UNION ALL SELECT id FROM ${byWord})`
      : sql`${members.id} IN (SELECT id FROM ${byName} UNION ALL SELECT id FROM ${byAddress})`;
  }
  return db
    .select(memberRowColumns)
    .from(members)
    .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
    .where(where)
    .orderBy(members.sortName, members.id)
    .limit(shape.size + 1)
    .prepare();
}

/** The counts the status tabs show: of everyone, or of the members a search finds. */
export async function countListedMembers(db: Db, orgId: string, q: string | undefined): Promise<MemberCounts> {
  return q?.trim() ? countMatchingMembers(db, orgId, q) : countMembers(db, orgId);
}

export async function countMembers(db: Db, orgId: string): Promise<MemberCounts> {
  const found = await preparedQuery(db, "member-counts", () =>
    db.select({ status: memberCounts.status, count: memberCounts.count }).from(memberCounts).where(eq(memberCounts.orgId, P.org)).prepare(),
  ).all({ org: orgId });
  const counts: MemberCounts = { all: 0, invited: 0, active: 0, archived: 0 };
  for (const { status, count } of found) {
    if (isMemberStatus(status)) {
      counts[status] = count;
      counts.all += count;
    }
  }
  return counts;
}
