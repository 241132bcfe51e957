// Reading the organization's members: the Users list (status filter, search, keyset pages) and
// the counts per status (kept by triggers in member_counts, never scanned; for a search,
// member-search.ts counts the matches).
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { preparedQuery } from "../db/prepared.js";
import { directoryPeople, memberCounts, memberNameWords, members, memberStatuses, type MemberStatus } from "../db/schema.js";
import type { MemberCounts } from "./member-counts.js";
import { memberRowColumns, storedValue, toMemberRow, type MemberRow } from "./member-rows.js";
import { countMatchingMembers, hasNarrowWord, searchPlaceholders, searchTermsOf, wordMatch, type SearchTuning } from "./member-search.js";

export const PAGE_SIZE = 50;

export type MemberListQuery = { status?: MemberStatus; q?: string; after?: string };

export type { MemberRow, SearchTuning };

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

const P = {
  ...searchPlaceholders,
  afterName: sql.placeholder("afterName"),
  afterId: sql.placeholder("afterId"),
};

type PageShape = {
  status: boolean;
  cursor: boolean;
  search: boolean;
  words: boolean;
  narrowWords: boolean;
  phrase: boolean;
  oneLetter: boolean;
  size: number;
};

/** One page of the list; `pageSize` other than the page's 50 is for walking the whole list (the
 *  roster export). */
export async function listMembers(db: Db, orgId: string, query: MemberListQuery, pageSize = PAGE_SIZE, tuning: SearchTuning = {}): Promise<MemberPage> {
  const cursor = query.after ? decodeCursor(query.after) : null;
  const terms = searchTermsOf(query.q);
  const shape: PageShape = {
    status: Boolean(query.status),
    cursor: Boolean(cursor),
    search: Boolean(terms),
    words: Boolean(terms?.word),
    narrowWords: terms ? await hasNarrowWord(db, orgId, terms, tuning) : false,
    phrase: Boolean(terms?.phrase),
    oneLetter: Boolean(terms?.oneLetter),
    size: pageSize,
  };
  const values = { org: orgId, status: query.status, afterName: cursor?.[0], afterId: cursor?.[1], ...terms };
  const found = await preparedQuery(db, `members:${JSON.stringify(shape)}`, () => memberPageQuery(db, shape)).values(values);
  return pageOf(found, pageSize);
}

function pageOf(found: unknown[][], pageSize: number): MemberPage {
  const rows: MemberRow[] = [];
  for (let i = 0; i < found.length && i < pageSize; i++) rows.push(toMemberRow(found[i]!));
  const last = found[pageSize - 1];
  return { rows, next: found.length > pageSize && last ? encodeCursor(storedValue(last, "sortName"), storedValue(last, "id")) : null };
}

/** One page of members in name order, for one shape of filter (status, cursor, search). A search
 *  reads only its page's (name, id) keys (searchMatches), and then those members whole, found by
 *  their keys in the name index: the keys are in name order, so they sit together in a few of its
 *  pages (looked up by id, each would be a page of its own in the id index). */
function memberPageQuery(db: Db, shape: PageShape) {
  const base = [
    eq(members.orgId, P.org),
    shape.status ? eq(members.status, P.status) : undefined,
    shape.cursor ? sql`(${members.sortName}, ${members.id}) > (${P.afterName}, ${P.afterId})` : undefined,
  ];
  return db
    .select(memberRowColumns)
    .from(members)
    .leftJoin(directoryPeople, eq(directoryPeople.id, members.personId))
    .where(shape.search ? and(eq(members.orgId, P.org), sql`(${members.sortName}, ${members.id}) IN (${searchMatches(db, shape, base)})`) : and(...base))
    .orderBy(members.sortName, members.id)
    .limit(shape.size + 1)
    .prepare();
}

/** The (name, id) keys of a search's page (and one more), merged in name order from the first page of each
 *  source after the cursor (member-search.ts names them). An OR of the sources in one scan would
 *  walk the whole organization; a broad source sorted whole would read thousands of rows. */
function searchMatches(db: Db, shape: PageShape, base: (SQL | undefined)[]): SQL {
  const size = shape.size + 1;
  const byName = db
    .select({ id: members.id, sortName: members.sortName })
    .from(members)
    .where(and(...base, sql`${members.sortName} >= ${P.q}`, sql`${members.sortName} < ${P.qEnd}`))
    .orderBy(members.sortName, members.id)
    .limit(size);
  const sources = [byName.getSQL()];
  if (!shape.oneLetter) {
    // From the covering (org, email, name, id, status) index; `+sort_name` keeps SQLite from
    // walking the whole name index instead.
    const byAddress = db
      .select({ id: members.id, sortName: members.sortName })
      .from(members)
      .where(and(...base, sql`${members.emailNorm} >= ${P.q}`, sql`${members.emailNorm} < ${P.qEnd}`))
      .orderBy(sql`+${members.sortName}`, members.id)
      .limit(size);
    sources.push(byAddress.getSQL());
  }
  const w = memberNameWords;
  const afterWord = shape.cursor ? sql`(${w.sortName}, ${w.memberId}) > (${P.afterName}, ${P.afterId})` : undefined;
  if (shape.words && shape.narrowWords) {
    // The word's range (member_name_words_word): few rows, sorted here.
    const byWordRange = db
      .select({ id: sql<string>`${w.memberId}`.as("id"), sortName: w.sortName })
      .from(w)
      .where(and(eq(w.orgId, P.org), wordMatch(shape), shape.status ? sql`+${w.status} = ${P.status}` : undefined, afterWord))
      .groupBy(w.sortName, w.memberId)
      .orderBy(w.sortName, w.memberId)
      .limit(size);
    sources.push(byWordRange.getSQL());
  }
  for (const status of shape.status ? [undefined] : memberStatuses) {
    if (shape.oneLetter) {
      const byAddressInitial = db
        .select({ id: members.id, sortName: members.sortName })
        .from(members)
        .where(
          and(
            eq(members.orgId, P.org),
            sql`substr(${members.emailNorm}, 1, 1) = ${P.q}`,
            eq(members.status, status ?? P.status),
            sql`substr(${members.emailNorm}, 1, 1) <> substr(${members.sortName}, 1, 1)`,
            base[2],
          ),
        )
        .orderBy(members.sortName, members.id)
        .limit(size);
      sources.push(byAddressInitial.getSQL());
    }
    if (shape.words && !shape.narrowWords) {
      const byWord = db
        .select({ id: sql<string>`${w.memberId}`.as("id"), sortName: w.sortName })
        .from(w)
        .where(and(eq(w.orgId, P.org), eq(w.initial, P.wordInitial), eq(w.status, status ?? P.status), wordMatch(shape, { byInitial: true }), afterWord))
        // A member with two later words that match is one match.
        .groupBy(w.sortName, w.memberId)
        .orderBy(w.sortName, w.memberId)
        .limit(size);
      sources.push(byWord.getSQL());
    }
  }
  // UNION, not UNION ALL: a member found by the name and by a word (or the address) is one row.
  const union = sql.join(
    sources.map((source) => sql`SELECT id, sort_name FROM (${source})`),
    sql` UNION `,
  );
  return sql`SELECT sort_name, id FROM (${union} ORDER BY sort_name, id LIMIT ${size})`;
}

/** The counts the status tabs show: of everyone, or of the members a search finds. */
export async function countListedMembers(db: Db, orgId: string, q: string | undefined, tuning: SearchTuning = {}): Promise<MemberCounts> {
  return q?.trim() ? countMatchingMembers(db, orgId, q, tuning) : countMembers(db, orgId);
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
