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
import { countWordRange, NAME_SEPARATORS, spacedSortName } from "../db/statements/member-search.js";

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

const P = {
  ...searchPlaceholders,
  afterName: sql.placeholder("afterName"),
  afterId: sql.placeholder("afterId"),
  untilName: sql.placeholder("untilName"),
  untilId: sql.placeholder("untilId"),
};

/** A search whose text starts a later word of this many members' names is broad: those members
 *  are spread over the whole list, and its page is first looked for by walking the list in name
 *  order instead of sorting every match of the word and address ranges by name. */
export const BROAD_SEARCH_AT = 500;
/** A broad search walks at most this many members of the list; when fewer than a page of them
 *  match (the matches lie further down), the page is found the narrow way. */
const WALK_WINDOW = 8000;

/** Names with a separator other than a space (`-`, first in the class, is a literal). */
const OTHER_SEPARATORS_GLOB = `*[${NAME_SEPARATORS.replace(" ", "")}]*`;

type PageShape = { status: boolean; cursor: boolean; search: boolean; words: boolean; phrase: boolean; walk: boolean; until: boolean; size: number };

/** How a search finds its page; other values than the defaults are for tests of every way. */
export type SearchTuning = { broadAt?: number; walkWindow?: number };

/** One page of the list; `pageSize` other than the page's 50 is for walking the whole list (the
 *  roster export). */
export async function listMembers(db: Db, orgId: string, query: MemberListQuery, pageSize = PAGE_SIZE, tuning: SearchTuning = {}): Promise<MemberPage> {
  const { broadAt = BROAD_SEARCH_AT, walkWindow = WALK_WINDOW } = tuning;
  const cursor = query.after ? decodeCursor(query.after) : null;
  const terms = searchTermsOf(query.q);
  const shape: PageShape = {
    status: Boolean(query.status),
    cursor: Boolean(cursor),
    search: Boolean(terms),
    words: Boolean(terms?.word),
    phrase: Boolean(terms?.phrase),
    walk: false,
    until: false,
    size: pageSize,
  };
  const values = {
    org: orgId,
    status: query.status,
    afterName: cursor?.[0],
    afterId: cursor?.[1],
    ...terms,
    untilName: undefined as string | undefined,
    untilId: undefined as string | undefined,
  };
  const run = (s: PageShape) => preparedQuery(db, `members:${JSON.stringify(s)}`, () => memberPageQuery(db, s)).values(values);
  if (terms) {
    // A phrase's word is one whole word, whose range is in name order already.
    if (terms.word && !terms.phrase && (await countWordRange(db, orgId, terms.word, broadAt)) >= broadAt) {
      const until = await walkEnd(db, orgId, cursor, walkWindow);
      values.untilName = until?.[0];
      values.untilId = until?.[1];
      const walked = await run({ ...shape, walk: true, until: Boolean(until) });
      // A full page within the walk is the page; so is what a walk to the end of the list found.
      if (walked.length > pageSize || !until) return pageOf(walked, pageSize);
    }
  }
  return pageOf(await run(shape), pageSize);
}

/** The (sort name, id) `window` members after the cursor, from the name index; undefined when
 *  the list ends sooner. */
async function walkEnd(db: Db, orgId: string, cursor: [string, string] | null, window: number): Promise<[string, string] | undefined> {
  const build = (after: boolean) => () =>
    db
      .select({ sortName: members.sortName, id: members.id })
      .from(members)
      .where(and(eq(members.orgId, P.org), after ? sql`(${members.sortName}, ${members.id}) > (${P.afterName}, ${P.afterId})` : undefined))
      .orderBy(members.sortName, members.id)
      .limit(1)
      .offset(sql.placeholder("skip"))
      .prepare();
  const [row] = await preparedQuery(db, `members-walk-end:${Boolean(cursor)}`, build(Boolean(cursor))).all({
    org: orgId,
    afterName: cursor?.[0],
    afterId: cursor?.[1],
    skip: window - 1,
  });
  return row ? [row.sortName, row.id] : undefined;
}

function pageOf(found: unknown[][], pageSize: number): MemberPage {
  const rows: MemberRow[] = [];
  for (let i = 0; i < found.length && i < pageSize; i++) rows.push(toMemberRow(found[i]!));
  const last = found[pageSize - 1];
  return { rows, next: found.length > pageSize && last ? encodeCursor(storedValue(last, "sortName"), storedValue(last, "id")) : null };
}

/** One page of members in name order, for one shape of filter (status, cursor, search). A search
 *  takes the first page of three index range scans (by sort name, by a later word of the name, by
 *  address) and orders their union: an OR of the ranges in one scan makes SQLite walk the whole
 *  organization. The word and address ranges sort their matches from their covering indexes. A
 *  broad search (`walk`) instead walks the name index (which holds the address and status) from
 *  the cursor up to `until`, stopping at a page of members the same three rules match. */
function memberPageQuery(db: Db, shape: PageShape) {
  const base = [
    eq(members.orgId, P.org),
    shape.status ? eq(members.status, P.status) : undefined,
    shape.cursor ? sql`(${members.sortName}, ${members.id}) > (${P.afterName}, ${P.afterId})` : undefined,
  ];
  let where = and(...base);
  if (shape.search && shape.walk) {
    // `+`: no term may pick another index than members_org_sort_search, read in its order.
    const name = sql`+${members.sortName}`;
    const spaced = sql.raw(spacedSortName.replace("sort_name", '+"members"."sort_name"'));
    // A later word starts with the word (never a phrase here). Most names part words with spaces
    // alone, and then the name itself is its spaced form: the separators are replaced only in others.
    const byWord = sql`(instr(${name}, ' ' || ${P.word}) > 0 OR (${name} GLOB ${OTHER_SEPARATORS_GLOB} AND instr(${spaced}, ' ' || ${P.word}) > 0))`;
    const walk = db
      .select({ id: members.id })
      .from(members)
      .where(
        and(
          eq(members.orgId, P.org),
          shape.status ? sql`+${members.status} = ${P.status}` : undefined,
          base[2],
          shape.until ? sql`(${members.sortName}, ${members.id}) <= (${P.untilName}, ${P.untilId})` : undefined,
          sql`((${name} >= ${P.q} AND ${name} < ${P.qEnd}) OR (+${members.emailNorm} >= ${P.q} AND +${members.emailNorm} < ${P.qEnd}) OR (${byWord}))`,
        ),
      )
      .orderBy(members.sortName, members.id)
      .limit(shape.size + 1);
    where = sql`${members.id} IN (SELECT id FROM ${walk})`;
  } else if (shape.search) {
    const byName = db
      .select({ id: members.id })
      .from(members)
      .where(and(...base, sql`${members.sortName} >= ${P.q}`, sql`${members.sortName} < ${P.qEnd}`))
      .orderBy(members.sortName, members.id)
      .limit(shape.size + 1);
    // From the covering (org, email, name, id, status) index; `+sort_name` keeps SQLite from
    // walking the whole name index instead.
    const byAddress = db
      .select({ id: members.id })
      .from(members)
      .where(and(...base, sql`${members.emailNorm} >= ${P.q}`, sql`${members.emailNorm} < ${P.qEnd}`))
      .orderBy(sql`+${members.sortName}`, members.id)
      .limit(shape.size + 1);
    const w = memberNameWords;
    const byWord = db
      .select({ id: sql<string>`${w.memberId}`.as("id") })
      .from(w)
      .where(
        and(
          eq(w.orgId, P.org),
          wordMatch(shape),
          shape.status ? eq(w.status, P.status) : undefined,
          shape.cursor ? sql`(${w.sortName}, ${w.memberId}) > (${P.afterName}, ${P.afterId})` : undefined,
        ),
      )
      // A member with two later words that match is one match: the page's one row more must be another member.
      .groupBy(w.sortName, w.memberId)
      .orderBy(w.sortName, w.memberId)
      .limit(shape.size + 1);
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
